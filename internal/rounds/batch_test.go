package rounds_test

import (
	"strings"
	"testing"

	"ballot/internal/apperr"
	"ballot/internal/rounds"
)

// TestBatchCSVNamesTheRowOfEachMistake: a row with one field, a count that
// is not a number, or broken quoting is refused with its line, never read
// past (a one-field row used to crash the parser).
func TestBatchCSVNamesTheRowOfEachMistake(t *testing.T) {
	t.Parallel()
	good := "target,count,label\r\nc1,5,Chi bộ 1\r\n\r\nc2,3\r\n"
	bs, err := rounds.ParseBatchCSV([]byte("\xef\xbb\xbf" + good))
	if err != nil || len(bs) != 2 || bs[0].Label != "Chi bộ 1" || bs[1].Count != 3 || bs[1].Targets[0] != "c2" {
		t.Fatalf("%+v %v", bs, err)
	}
	for data, want := range map[string]string{
		"target,count\nc1,2\nc2\n":     "row 3",
		"target,count\nc1,x\n":         "row 2",
		"target,count\nc1,2\n\"c2,3\n": "row 3",
		"target,count\n":               "",
	} {
		_, err := rounds.ParseBatchCSV([]byte(data))
		e, ok := err.(*apperr.Error)
		if !ok || e.Code != apperr.Invalid || !strings.Contains(strings.ToLower(e.Error()), want) {
			t.Errorf("%q: %v, want an error naming %q", data, err, want)
		}
	}
}
