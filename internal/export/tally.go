package export

import (
	"encoding/json"
	"fmt"
	"io"

	"ballot/internal/forms"
	"ballot/internal/i18n"
	"ballot/internal/tally"
)

// TallyFormats are the formats a tally is written in.
var TallyFormats = []string{"json", "csv", "xlsx", "html"}

// Tally writes a view in format.
func Tally(w io.Writer, format string, v *tally.View, fs map[string]*forms.Form, lang i18n.Lang, m Meta) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(v)
	case "csv":
		return TallyCSV(w, v, fs, lang)
	case "xlsx":
		return TallyXLSX(w, v, fs, lang)
	case "html":
		return TallyHTML(w, v, fs, lang, m)
	}
	return fmt.Errorf("unknown format %q", format)
}
