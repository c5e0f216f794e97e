package server_test

import (
	"io"
	"net/http/httptest"
	"testing"
)

// TestEveryDownloadIsStreamed: each file the API sends — a tally in every
// format, a report as a file, the count minutes, a batch's codes and slips,
// a backup and its code keys — reaches the client as it is written
// (chunked, no length known ahead), never buffered whole by its handler
// (docs/design.md §1.3, §5.5).
func TestEveryDownloadIsStreamed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rid := e.countedRound()
	draft := e.draftRound()
	bid := e.must(201, "POST", "/api/v1/rounds/"+draft+"/batches", e.admin, map[string]any{"targets": []string{"c1"}, "count": 3}).JSON["id"].(string)
	var paths []string
	for _, f := range []string{"json", "csv", "xlsx", "html"} {
		paths = append(paths, "/api/v1/rounds/"+rid+"/tally?format="+f)
	}
	// a report's JSON is an answer of the API, as small as the report
	for _, f := range []string{"csv", "xlsx", "html"} {
		paths = append(paths, "/api/v1/rounds/"+rid+"/report?format="+f)
	}
	paths = append(paths,
		"/api/v1/rounds/"+rid+"/minutes",
		"/api/v1/rounds/"+draft+"/batches/"+bid+"/codes?format=csv",
		"/api/v1/rounds/"+draft+"/batches/"+bid+"/codes?format=slips",
		"/api/v1/backup",
		"/api/v1/backup/keys")
	for _, path := range paths {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+e.admin)
		req.Header.Set("X-Forwarded-Proto", "https")
		res, err := e.srv.App.Test(req, -1)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || err != nil || len(body) == 0 {
			t.Fatalf("%s: %d, %d bytes, %v: %.200s", path, res.StatusCode, len(body), err, body)
		}
		if res.ContentLength != -1 || len(res.TransferEncoding) == 0 || res.TransferEncoding[0] != "chunked" {
			t.Errorf("%s: length %d, transfer encoding %v: the file was buffered whole, not streamed", path, res.ContentLength, res.TransferEncoding)
		}
	}
}
