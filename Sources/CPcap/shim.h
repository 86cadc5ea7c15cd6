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

// Live capture (LiveCapture.swift).

/// pcap_setdirection's "inbound only": frames this host sends are not captured back.
static inline pcap_direction_t cpcap_direction_in(void) { return PCAP_D_IN; }

/// pcap_activate's warnings (positive) and errors (negative) that deserve their own message.
static inline int cpcap_error_no_such_device(void) { return PCAP_ERROR_NO_SUCH_DEVICE; }
static inline int cpcap_error_perm_denied(void) { return PCAP_ERROR_PERM_DENIED; }
static inline int cpcap_error_iface_not_up(void) { return PCAP_ERROR_IFACE_NOT_UP; }
static inline int cpcap_warning_tstamp_type_notsup(void) { return PCAP_WARNING_TSTAMP_TYPE_NOTSUP; }

/// pcap_findalldevs's interface flags.
static inline bpf_u_int32 cpcap_if_up(void) { return PCAP_IF_UP; }
static inline bpf_u_int32 cpcap_if_running(void) { return PCAP_IF_RUNNING; }

#endif
