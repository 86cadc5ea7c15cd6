// Command memberlist-peer is a real hashicorp/memberlist node for lbsim's interop tests
// (Tests/LiveTests/MemberlistInteropTests.swift): memberlist's DefaultLANConfig with the
// settings MetalLB's speakerlist makes (node name, bind address and port, advertise port,
// an event delegate), joining the given seeds once at start.
//
// It prints one JSON line on standard output per membership event, with CLOCK_MONOTONIC in
// nanoseconds (the clock lbsim's live driver uses, so the test can subtract the two), and
// memberlist's own log on standard error. SIGUSR1 prints the member list; SIGTERM leaves
// gracefully (Leave, then Shutdown) and exits 0; SIGKILL is a crash.
//
// With -log-events it also prints a JSON line for the verdicts memberlist only logs (see
// logEvents): the benchmark Benchmarks/memberlist-vs-real uses them; without the flag the
// output is exactly as before.
//
// Built by the tests against Debian's memberlist (golang-github-hashicorp-memberlist-dev):
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -o DIR/memberlist-peer ./Tests/MemberlistPeer
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/hashicorp/memberlist"
)

// entry mirrors memberlist's unexported nodeState (state.go): the Node the delegate is handed
// is the first field of the member's entry, and the entry's own State is what memberlist
// decides by. Node.State is never set in these versions (the entry's State shadows it), so
// the delegate reads the entry through this.
type entry struct {
	memberlist.Node
	Incarnation uint32
	State       memberlist.NodeStateType
	StateChange time.Time
}

func stateOf(n *memberlist.Node) memberlist.NodeStateType {
	return (*entry)(unsafe.Pointer(n)).State
}

func stateName(s memberlist.NodeStateType) string {
	switch s {
	case memberlist.StateAlive:
		return "alive"
	case memberlist.StateSuspect:
		return "suspect"
	case memberlist.StateDead:
		return "dead"
	case memberlist.StateLeft:
		return "left"
	}
	return fmt.Sprintf("state-%d", s)
}

func monotonicNanoseconds() int64 {
	var ts syscall.Timespec
	const clockMonotonic = 1
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockMonotonic, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		panic(errno)
	}
	return ts.Sec*1_000_000_000 + ts.Nsec
}

var printLock sync.Mutex

func emit(fields map[string]interface{}) {
	fields["mono_ns"] = monotonicNanoseconds()
	line, err := json.Marshal(fields)
	if err != nil {
		panic(err)
	}
	printLock.Lock()
	os.Stdout.Write(append(line, '\n'))
	printLock.Unlock()
}

type events struct{}

func report(event string, n *memberlist.Node) {
	emit(map[string]interface{}{
		"event": event, "node": n.Name, "addr": n.Addr.String(), "port": n.Port,
		"state": stateName(stateOf(n)),
	})
}

func (events) NotifyJoin(n *memberlist.Node)   { report("join", n) }
func (events) NotifyLeave(n *memberlist.Node)  { report("leave", n) }
func (events) NotifyUpdate(n *memberlist.Node) { report("update", n) }

// logEvents is memberlist's log output with -log-events: every line goes on to standard error
// unchanged, and the lines below also become JSON events on standard output, stamped like the
// others (memberlist's logger writes each line in one Write, from the goroutine that decided):
//
//	"Failed ping: NODE (timeout reached)"   -> {"event": "ping-failed", "node": NODE}     (the direct ping's ProbeTimeout ran out)
//	"Suspect NODE has failed, no acks ..."  -> {"event": "suspect", "node": NODE}         (this member's probe failed: it suspects NODE)
//	"Marking NODE as failed, suspect timeout reached (K peer confirmations)"
//	                                        -> {"event": "suspect-timeout", "node": NODE, "confirmations": K}
//
// Suspicions learned from other members' gossip are not logged by memberlist, so they have no
// event; the dead verdict itself is the "leave" event with state "dead" either way.
type logEvents struct{}

var (
	pingFailedLine     = regexp.MustCompile(`memberlist: Failed ping: (\S+) \(timeout reached\)`)
	suspectLine        = regexp.MustCompile(`memberlist: Suspect (\S+) has failed, no acks received`)
	suspectTimeoutLine = regexp.MustCompile(`memberlist: Marking (\S+) as failed, suspect timeout reached \((\d+) peer confirmations\)`)
)

func (logEvents) Write(p []byte) (int, error) {
	line := string(p)
	if m := pingFailedLine.FindStringSubmatch(line); m != nil {
		emit(map[string]interface{}{"event": "ping-failed", "node": m[1]})
	} else if m := suspectLine.FindStringSubmatch(line); m != nil {
		emit(map[string]interface{}{"event": "suspect", "node": m[1]})
	} else if m := suspectTimeoutLine.FindStringSubmatch(line); m != nil {
		confirmations, _ := strconv.Atoi(m[2])
		emit(map[string]interface{}{"event": "suspect-timeout", "node": m[1], "confirmations": confirmations})
	}
	return os.Stderr.Write(p)
}

func main() {
	name := flag.String("name", "", "node name")
	bind := flag.String("bind", "", "address to bind and advertise")
	port := flag.Int("port", 7946, "UDP and TCP port")
	join := flag.String("join", "", "comma-separated seeds (host or host:port)")
	withLogEvents := flag.Bool("log-events", false, "also print ping-failed, suspect and suspect-timeout events parsed from memberlist's log")
	flag.Parse()
	if *name == "" || *bind == "" {
		fmt.Fprintln(os.Stderr, "usage: memberlist-peer -name NAME -bind ADDRESS [-port 7946] [-join SEEDS]")
		os.Exit(2)
	}

	config := memberlist.DefaultLANConfig()
	config.Name = *name
	config.BindAddr = *bind
	config.BindPort = *port
	config.AdvertisePort = *port
	config.Events = events{}
	config.LogOutput = os.Stderr
	if *withLogEvents {
		config.LogOutput = logEvents{}
	}

	list, err := memberlist.Create(config)
	if err != nil {
		emit(map[string]interface{}{"event": "error", "error": err.Error()})
		os.Exit(1)
	}
	emit(map[string]interface{}{"event": "started", "node": *name})

	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGUSR1)

	if *join != "" {
		count, err := list.Join(strings.Split(*join, ","))
		fields := map[string]interface{}{"event": "joined", "count": count}
		if err != nil {
			fields["error"] = err.Error()
		}
		emit(fields)
	}

	for sig := range signals {
		if sig == syscall.SIGUSR1 {
			var members []map[string]interface{}
			for _, n := range list.Members() {
				members = append(members, map[string]interface{}{"node": n.Name, "state": stateName(stateOf(n))})
			}
			emit(map[string]interface{}{"event": "members", "members": members})
			continue
		}
		err := list.Leave(5 * time.Second)
		fields := map[string]interface{}{"event": "left"}
		if err != nil {
			fields["error"] = err.Error()
		}
		emit(fields)
		list.Shutdown()
		os.Exit(0)
	}
}
