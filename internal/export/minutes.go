package export

import (
	"io"

	"ballot/internal/i18n"
	"ballot/internal/service"
)

// minutesLine is a target's row of the minutes, after the heading of its
// deciding unit when that changes, its numbers as print writes them.
type minutesLine struct {
	Group                                    string
	N                                        int
	R                                        service.MinutesRow
	Issued, Used, Revoked, Ballots, Withheld string
}

// Minutes writes count minutes as a printable A4 document: the letterhead,
// the codes counted once each, the ballots, the forms by title with their
// hashes, a row for each target that had codes (under its deciding unit),
// the audit anchor and the signature blocks, which never stand alone on a
// page.
func Minutes(w io.Writer, m *service.Minutes, lang i18n.Lang) error {
	counted := ""
	if m.Round.CountedAt != nil {
		counted = i18n.Time(*m.Round.CountedAt).In(lang)
	}
	parents := map[string]bool{}
	for _, r := range m.Targets {
		parents[r.Parent] = true
	}
	forms := make([]service.MinutesForm, len(m.Forms))
	titles := map[string]string{}
	for i, f := range m.Forms {
		forms[i] = f
		forms[i].Title = pick(lang, f.Title, f.TitleEN)
		titles[f.ID] = forms[i].Title
	}
	lines := make([]minutesLine, len(m.Targets))
	for i, r := range m.Targets {
		r.FormTitle = titles[r.Form]
		lines[i] = minutesLine{N: i + 1, R: r, Issued: i18n.Int(r.Issued, lang), Used: i18n.Int(r.Used, lang),
			Revoked: i18n.Int(r.Revoked, lang), Ballots: i18n.Int(r.Ballots, lang)}
		if r.Withheld {
			lines[i].Withheld = i18n.M("minutes.yes").In(lang)
		}
		if len(parents) > 1 && (i == 0 || m.Targets[i-1].Parent != r.Parent) {
			lines[i].Group = i18n.M("minutes.under", r.ParentName).In(lang)
		}
	}
	// the last rows go with the total and the signatures (see printTable)
	k := max(0, len(lines)-tailRows)
	d := m.Round.Documents
	signs := []signer{{Title: i18n.M("minutes.secretary").In(lang), Name: d.CountSecretary},
		{Title: i18n.M("minutes.members").In(lang)},
		{Title: i18n.M("minutes.head").In(lang), Name: d.CountHead}}
	return printTemplates.ExecuteTemplate(w, "minutes.html", map[string]any{
		"Lang": lang, "M": m, "Head": newLetterhead(d, i18n.M("minutes.committee").In(lang), m.Generated, lang),
		"Body": lines[:k], "Tail": lines[k:], "Forms": forms, "Signs": signs, "Counted": counted, "Generated": i18n.Time(m.Generated),
	})
}
