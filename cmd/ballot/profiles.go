package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
)

// serveProfiles serves Go's runtime profiles on their own listener, apart
// from the service's routes (for an operator, or scripts/bench, who asks
// for them with --pprof). It returns the address it listens on and a
// function that stops it.
func serveProfiles(addr string) (net.Addr, func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("--pprof: %w", listenError(addr, err))
	}
	// Sample blocking and lock contention too (a small cost, only when asked).
	runtime.SetBlockProfileRate(100_000)
	runtime.SetMutexProfileFraction(100)
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	return ln.Addr(), func() { srv.Close() }, nil
}
