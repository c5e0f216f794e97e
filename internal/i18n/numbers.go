package i18n

import (
	"strconv"
	"strings"
	"time"
)

// Numbers as printed documents write them: Vietnamese groups thousands
// with a dot and writes decimals after a comma (1.234; 85,71), English the
// other way round (1,234; 85.71). Files for programs (CSV, JSON) keep the
// dot and no grouping.

// Int writes n with thousands grouped.
func Int(n int, lang Lang) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	sep := byte(',')
	if lang != EN {
		sep = '.'
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(sep)
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Decimal writes a decimal given with a dot ("85.71", "-1.28", "1234.5")
// in lang: its whole part grouped, its decimal sign the language's. A
// string that is not such a number is returned as it is.
func Decimal(s string, lang Lang) string {
	whole, frac, hasFrac := strings.Cut(s, ".")
	n, err := strconv.Atoi(whole)
	if err != nil || strings.ContainsAny(frac, "+-") {
		return s
	}
	if _, err := strconv.Atoi("0" + frac); err != nil {
		return s
	}
	out := Int(n, lang)
	if n == 0 && strings.HasPrefix(whole, "-") {
		out = "-0"
	} else if strings.HasPrefix(whole, "+") {
		out = "+" + out
	}
	if !hasFrac {
		return out
	}
	if lang == EN {
		return out + "." + frac
	}
	return out + "," + frac
}

// Date is a day as the date line of a document writes it: "ngày 02 tháng
// 12 năm 2026" (days before the 10th and the months January and February
// with a leading zero, as administrative documents do) or "2 December
// 2026", in Vietnam time.
func Date(t time.Time, lang Lang) string {
	t = t.In(Vietnam)
	if lang == EN {
		return t.Format("2 January 2006")
	}
	day, month := strconv.Itoa(t.Day()), strconv.Itoa(int(t.Month()))
	if t.Day() < 10 {
		day = "0" + day
	}
	if t.Month() <= time.February {
		month = "0" + month
	}
	return "ngày " + day + " tháng " + month + " năm " + strconv.Itoa(t.Year())
}
