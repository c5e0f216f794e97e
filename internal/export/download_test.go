package export_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"ballot/internal/auth"
	"ballot/internal/export"
	"ballot/internal/i18n"
)

// TestASlowDownloadHoldsNoTransaction: a client that reads the start of a
// large tally and then stops keeps no read transaction open. Compacting
// the file, which waits for every transaction (opening or counting any
// round compacts it, and the intake's commits wait behind it), is done
// while the download waits; the download then ends whole.
func TestASlowDownloadHoldsNoTransaction(t *testing.T) {
	t.Parallel()
	svc, rid := countedRound(t, 2000) // a CSV of about 12 MB, beyond every socket buffer
	addr, token := serveAPI(t, svc)

	// a client with a small receive window, so the server cannot hand it
	// the file and be done
	dialer := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	conn, err := dialer.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/rounds/"+rid+"/tally?format=csv", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if err := req.Write(conn); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReaderSize(conn, 4096)
	res, err := http.ReadResponse(br, req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("tally: %v %v", res, err)
	}

	compacted := make(chan error, 1)
	go func() { compacted <- svc.Store().Compact() }()
	select {
	case err := <-compacted:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("compacting the file waited for a download that had stopped reading")
	}

	got, err := io.Copy(io.Discard, res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var want countingWriter
	tt, err := svc.Tally(auth.Principal{Name: "test", Role: auth.Admin}, rid, "")
	if err == nil {
		err = export.Tally(&want, "csv", tt.Counted, rid, tt.Unit, i18n.VI, export.MetaOf(tt.Round, tt.UnitName, time.Now()))
	}
	if err != nil || got != int64(want) || got < 8<<20 {
		t.Fatalf("downloaded %d bytes, the file has %d (%v)", got, want, fmt.Sprint(err))
	}
}
