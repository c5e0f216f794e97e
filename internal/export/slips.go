package export

import (
	"encoding/base64"
	"html/template"
	"io"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"ballot/internal/i18n"
)

// SlipMeta is what every slip of a batch says.
type SlipMeta struct {
	Round   string
	Targets []string // names
	// URL is the participants' address, e.g. https://phieu.example.vn
	URL string
}

type slip struct {
	Code string
	QR   template.URL
}

// Slips writes a batch's codes as printable A4 slips, several a page, each
// with a QR code of URL/#c=CODE (the fragment never reaches a server), the
// code in large groups, and how to use it.
func Slips(w io.Writer, m SlipMeta, codes []string, lang i18n.Lang) error {
	base := strings.TrimRight(m.URL, "/")
	slips := make([]slip, 0, len(codes))
	for _, c := range codes {
		png, err := qrcode.Encode(base+"/#c="+strings.ReplaceAll(c, " ", ""), qrcode.Medium, 256)
		if err != nil {
			return err
		}
		// a data URI: the page asks nothing of any server
		slips = append(slips, slip{Code: c, QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))})
	}
	return printTemplates.ExecuteTemplate(w, "slips.html", map[string]any{
		"Lang": lang, "Round": m.Round, "Targets": strings.Join(m.Targets, "; "), "URL": base, "Slips": slips,
	})
}
