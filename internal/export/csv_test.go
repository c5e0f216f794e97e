package export

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestCSVTextThatLooksLikeAFormulaIsNeutralised(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	out := NewCSV(&buf)
	out.Texts("a", "b")
	for _, s := range []string{"=1+1", "+1", "-1", "@A1", "\tx", "\rx"} {
		out.Row(Text(s), Number("-1.28"))
	}
	out.Row(Text("ổn"), Int(-3))
	if err := out.Flush(); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte(BOM)) || bytes.Count(buf.Bytes(), []byte(BOM)) != 1 {
		t.Fatal("one BOM, first")
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[len(BOM):])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs[1:7] {
		if r[0][0] != '\'' || r[1] != "-1.28" {
			t.Errorf("%q", r)
		}
	}
	if recs[7][0] != "ổn" || recs[7][1] != "-3" {
		t.Errorf("%q", recs[7])
	}
}
