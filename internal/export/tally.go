package export

import (
	"encoding/json"
	"fmt"
	"io"

	"ballot/internal/i18n"
	"ballot/internal/tally"
)

// TallyFormats are the formats a tally is written in.
var TallyFormats = []string{"json", "csv", "xlsx", "html"}

// Tally writes the tally of the subtree of unit in format.
func Tally(w io.Writer, format string, c *tally.Counted, round, unit string, lang i18n.Lang, m Meta) error {
	switch format {
	case "json":
		return tallyJSON(w, c, round, unit)
	case "csv":
		return TallyCSV(w, c, unit, lang)
	case "xlsx":
		return TallyXLSX(w, c, unit, lang, m)
	case "html":
		return TallyHTML(w, c, unit, lang, m)
	}
	return fmt.Errorf("unknown format %q", format)
}

// tallyJSON writes the JSON of a tally (as tally.View has it) target by
// target; only the roll-ups are held until the end.
func tallyJSON(w io.Writer, c *tally.Counted, round, unit string) error {
	head, _ := json.Marshal(map[string]string{"round": round, "unit": unit})
	if _, err := fmt.Fprintf(w, "%s,\"targets\":[", head[:len(head)-1]); err != nil {
		return err
	}
	hashes := map[string]string{}
	rollups := []tally.RollupView{}
	first := true
	err := c.Walk(unit, func(t tally.TargetView) error {
		hashes[t.Form] = c.Forms[t.Form].Hash
		raw, err := json.Marshal(t)
		if err != nil {
			return err
		}
		if !first {
			raw = append([]byte{','}, raw...)
		}
		first = false
		_, err = w.Write(raw)
		return err
	}, func(r tally.RollupView) error {
		hashes[r.Form] = c.Forms[r.Form].Hash
		rollups = append(rollups, r)
		return nil
	})
	if err != nil {
		return err
	}
	tail, _ := json.Marshal(map[string]any{"rollups": rollups, "form_hashes": hashes})
	_, err = fmt.Fprintf(w, "],%s\n", tail[1:])
	return err
}
