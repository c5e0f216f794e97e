package i18n_test

import (
	"testing"
	"time"

	"ballot/internal/i18n"
)

func TestNumbersAsPrintWritesThem(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in     string
		vi, en string
	}{
		{"85.71", "85,71", "85.71"}, {"100.00", "100,00", "100.00"}, {"61567", "61.567", "61,567"},
		{"1234567.5", "1.234.567,5", "1,234,567.5"}, {"-1.28", "-1,28", "-1.28"}, {"+2.40", "+2,40", "+2.40"},
		{"-0.50", "-0,50", "-0.50"}, {"0.00", "0,00", "0.00"}, {"abc", "abc", "abc"}, {"1.2.3", "1.2.3", "1.2.3"}, {"", "", ""},
	} {
		if got := i18n.Decimal(c.in, i18n.VI); got != c.vi {
			t.Errorf("Decimal(%q, vi) = %q, want %q", c.in, got, c.vi)
		}
		if got := i18n.Decimal(c.in, i18n.EN); got != c.en {
			t.Errorf("Decimal(%q, en) = %q, want %q", c.in, got, c.en)
		}
	}
	if got := i18n.Int(-1234, i18n.VI); got != "-1.234" {
		t.Errorf("Int: %q", got)
	}
}

func TestTheDateLineOfADocument(t *testing.T) {
	t.Parallel()
	for at, want := range map[time.Time]string{
		// Vietnam time: 20:00 UTC on 1 December is 2 December there
		time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC): "ngày 02 tháng 12 năm 2026",
		time.Date(2026, 2, 15, 3, 0, 0, 0, time.UTC):  "ngày 15 tháng 02 năm 2026",
		time.Date(2026, 3, 5, 3, 0, 0, 0, time.UTC):   "ngày 05 tháng 3 năm 2026",
	} {
		if got := i18n.Date(at, i18n.VI); got != want {
			t.Errorf("%v: %q, want %q", at, got, want)
		}
	}
	if got := i18n.Date(time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC), i18n.EN); got != "2 December 2026" {
		t.Errorf("en: %q", got)
	}
}
