package export

import (
	"encoding/base64"
	"html/template"
	"io"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"ballot/internal/i18n"
)

// SlipsPerSheet is how many slips an A4 sheet holds (two columns of four,
// as slips.html lays them out).
const SlipsPerSheet = 8

// Sheets is how many A4 sheets slips of groups of these sizes take: each
// group starts a sheet.
func Sheets(sizes ...int) int {
	n := 0
	for _, s := range sizes {
		n += (s + SlipsPerSheet - 1) / SlipsPerSheet
	}
	return n
}

// SlipGroup is one batch's slips: the names of its targets and its codes.
type SlipGroup struct {
	Targets []string
	Codes   []string
}

// SlipMeta is what every slip says besides its group.
type SlipMeta struct {
	Round string
	// URL is the participants' address, e.g. https://phieu.example.vn
	URL string
}

type slip struct {
	Code string
	QR   template.URL
}

type slipGroup struct {
	Targets string
	Slips   []slip
}

// Slips writes code slips for printing on A4, several a page, each group
// (a batch, a unit) starting on a new page. Each slip has a QR code of
// URL/#c=CODE (the fragment never reaches a server), the code in large
// groups, and how to use it.
func Slips(w io.Writer, m SlipMeta, groups []SlipGroup, lang i18n.Lang) error {
	base := strings.TrimRight(m.URL, "/")
	var out []slipGroup
	for _, g := range groups {
		sg := slipGroup{Targets: strings.Join(g.Targets, "; ")}
		for _, c := range g.Codes {
			png, err := qrcode.Encode(base+"/#c="+strings.ReplaceAll(c, " ", ""), qrcode.Medium, 256)
			if err != nil {
				return err
			}
			// a data URI: the page asks nothing of any server
			sg.Slips = append(sg.Slips, slip{Code: c, QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))})
		}
		out = append(out, sg)
	}
	return printTemplates.ExecuteTemplate(w, "slips.html", map[string]any{"Lang": lang, "Round": m.Round, "URL": base, "Groups": out})
}
