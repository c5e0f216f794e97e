package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"ballot/internal/abuse"
	"ballot/internal/crashloop"
	"ballot/internal/storage"
)

// p8 drives the attacks of clients without credentials (internal/abuse)
// against the binary serving the province scenario, warmed by 1,000 of its
// ballots, and a small open round whose codes the legitimate requests
// use: each attack on a fresh copy of the same database, then all of them
// in a row on one more. Baseline: the same warmed server idle, and its peak
// under plain load (province ballots from 32 connections for 5 s).
func (b *bench) p8() error {
	base := filepath.Join(b.dir, "abuse.db")
	fmt.Println("P8: seeding the province scenario …")
	var pool []vote
	f, err := abuse.Prepare(b.bin, base, 100, func(url, token string) (err error) {
		pool, err = seedProvince(&server{Server: &crashloop.Server{URL: url, Token: token}})
		return err
	})
	if err != nil {
		return err
	}
	const warm = 1000
	copies := 0
	fresh := func() (*abuse.Server, error) {
		copies++
		db := filepath.Join(b.dir, fmt.Sprintf("abuse-%d.db", copies))
		if err := copyDatabase(base, db); err != nil {
			return nil, err
		}
		s, err := f.Start(b.bin, db)
		if err != nil {
			return nil, err
		}
		// every copy holds the same unused codes: the same votes serve each
		if r := closedLoop(32, time.Minute, ballotsFrom(&server{Server: s.Server}, pool[:warm])); r.errors > 0 {
			s.Stop()
			return nil, fmt.Errorf("warming: %d errors", r.errors)
		}
		time.Sleep(time.Second)
		return s, nil
	}
	s, err := fresh()
	if err != nil {
		return err
	}
	idle := abuse.AnonMemory(s.Pid())
	mem := abuse.Watch(s.Pid())
	load := closedLoop(32, 5*time.Second, ballotsFrom(&server{Server: s.Server}, pool[warm:]))
	plain := mem.Stop()
	s.Stop()
	fmt.Printf("  idle %s; plain load %.0f ballots/s from 32 connections, peak %s\n", mb(idle), load.rate, mb(plain))
	worst, what, held := int64(0), "", true
	record := func(a abuse.Attack, r abuse.Result) {
		fmt.Printf("  %s\n", r)
		if err := a.Held(r); err != nil {
			fmt.Printf("  NOT HELD: %v\n", err)
			held = false
		}
		if r.Peak > worst {
			worst, what = r.Peak, r.Name
		}
	}
	n := len((&abuse.Server{Fixture: f}).Attacks(*addresses))
	for i := 0; i < n; i++ {
		s, err := fresh()
		if err != nil {
			return err
		}
		a := s.Attacks(*addresses)[i]
		record(a, s.Run(a.Name, a.Run))
		s.Stop()
	}
	// beyond the issue: a connection flood, which the server's bound of
	// connections keeps small while refusing newcomers
	if s, err = fresh(); err != nil {
		return err
	}
	flood := s.Flood(6000)
	record(flood, s.Run(flood.Name, flood.Run))
	s.Stop()
	fmt.Println("  all of them in a row on one server:")
	if s, err = fresh(); err != nil {
		return err
	}
	for _, a := range s.Attacks(*addresses) {
		record(a, s.Run(a.Name, a.Run))
	}
	s.Stop()
	b.add(row{id: "P8", what: fmt.Sprintf("server's peak anonymous memory under each attack of clients without credentials (60 sign-ins; 120, 40 and 120 chunked bodies of 31 MiB; %d addresses; 6,000 half-sent requests), each alone, and the issue's all in a row; a right sign-in and a ballot answered during each but the flood of half-sent requests, which may refuse them (503) while it lasts", *addresses),
		goal: "≤ 150 MB, legitimate requests answered", figure: fmt.Sprintf("**%s** (%s)", mb(worst), what),
		baseline: fmt.Sprintf("%s idle, %s under plain load (%.0f ballots/s)", mb(idle), mb(plain), load.rate),
		ratio:    fmt.Sprintf("%.2f of the goal", float64(worst)/abuse.Budget), met: held && worst > 0})
	return nil
}

// copyDatabase copies a database file and its code keys beside it
// (storage.KeysPath): a copy without them knows none of its codes.
func copyDatabase(from, to string) error {
	if err := copyFile(from, to); err != nil {
		return err
	}
	return copyFile(storage.KeysPath(from), storage.KeysPath(to))
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
