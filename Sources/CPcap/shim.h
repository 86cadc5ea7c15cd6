// The libpcap surface the Pcap module uses.
//
// Swift imports simple integer macros, but not reliably with the C type libpcap's
// functions expect (PCAP_NETMASK_UNKNOWN is 0xffffffff, which must reach pcap_compile as
// bpf_u_int32; PCAP_TSTAMP_PRECISION_NANO must be a u_int), and a macro's import can vary
// with the libpcap version and platform headers. Re-exporting the handful of constants as
// typed static inline functions pins both the value and the type in one place.
#ifndef LBSIM_CPCAP_SHIM_H
#define LBSIM_CPCAP_SHIM_H

#include <pcap/pcap.h>

/// DLT_EN10MB: Ethernet link-layer headers (the only link type lbsim writes).
static inline int cpcap_dlt_en10mb(void) { return DLT_EN10MB; }

/// Ask libpcap for nanosecond time stamps: files are written with magic 0xa1b23c4d and
/// the "microseconds" field of every record carries nanoseconds.
static inline u_int cpcap_tstamp_precision_nano(void) { return PCAP_TSTAMP_PRECISION_NANO; }

/// The netmask to give pcap_compile when there is no interface to take one from.
static inline bpf_u_int32 cpcap_netmask_unknown(void) { return PCAP_NETMASK_UNKNOWN; }

/// Size of the error buffers libpcap fills in (pcap_open_offline and friends).
static inline int cpcap_errbuf_size(void) { return PCAP_ERRBUF_SIZE; }

/// pcap_next_ex's return value at the end of a savefile.
static inline int cpcap_error_break(void) { return PCAP_ERROR_BREAK; }

#endif
