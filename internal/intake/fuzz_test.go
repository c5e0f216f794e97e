package intake

import (
	"testing"

	"ballot/internal/valid"
)

// FuzzSubmissionJSON: any body decodes into a Submission or is refused,
// never panics; an accepted one is within its limits.
func FuzzSubmissionJSON(f *testing.F) {
	f.Add([]byte(`{"code":"4827 1937 5520 1846","submission_id":"7d444840-9dc0-11d1-b245-5ffdce74fad2","ballots":[{"target":"c1","answers":{"c1":"tot","s1":17}}]}`))
	f.Add([]byte(`{"code":"1","ballots":[]}`))
	f.Add([]byte(`{"code":"1","ballots":[{"target":"a b","answers":{"x":[[[[1]]]]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var in Submission
		if valid.JSON(data, &in) != nil || valid.Struct(&in, "") != nil {
			return
		}
		if len(in.Ballots) == 0 || len(in.Ballots) > 50 || len(in.Code) > 64 {
			t.Fatalf("accepted out of limits: %d ballots", len(in.Ballots))
		}
	})
}
