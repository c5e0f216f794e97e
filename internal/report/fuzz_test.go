package report_test

import (
	"testing"

	"ballot/internal/report"
)

func FuzzRatingsImport(f *testing.F) {
	f.Add([]byte("unit,level,decision,date,reason\nc1,htxs,1-QĐ,2026-12-01,\nc2,not_rated,,01/12/2026,Mới thành lập\n"))
	f.Add([]byte("\xef\xbb\xbfđơn_vị;xếp loại\nc1;Hoàn thành tốt nhiệm vụ\n"))
	f.Add([]byte("unit,level\n\"c1,htt\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := report.ParseRatings(data, false)
		if err != nil {
			return
		}
		for _, r := range rows {
			if r.In.Check() == nil && r.In.Level == report.NotRated && r.In.Reason == "" {
				t.Fatal("not rated without a reason accepted")
			}
		}
	})
}

func FuzzCapPercent(f *testing.F) {
	for _, s := range []string{"20", "25", "22.5", "22,50", "0", "25.01", "-1", "1e3", ".5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := report.ParsePercent(s)
		if err == nil && (h <= 0 || h > report.MaxCap) {
			t.Fatalf("%q accepted as %d", s, h)
		}
	})
}
