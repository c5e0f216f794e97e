package export

import (
	"io"

	"ballot/internal/i18n"
	"ballot/internal/service"
)

// Minutes writes count minutes as a printable A4 page.
func Minutes(w io.Writer, m *service.Minutes, lang i18n.Lang) error {
	var issued, used, ballots int
	for _, t := range m.Targets {
		issued, used, ballots = issued+t.Issued, used+t.Used, ballots+t.Ballots
	}
	counted := ""
	if m.Round.CountedAt != nil {
		counted = i18n.Time(*m.Round.CountedAt).In(lang)
	}
	return printTemplates.ExecuteTemplate(w, "minutes.html", map[string]any{
		"Lang": lang, "M": m, "Issued": issued, "Used": used, "Ballots": ballots,
		"Counted": counted, "Generated": i18n.Time(m.Generated),
	})
}
