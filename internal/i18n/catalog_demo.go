package i18n

// demoCatalog holds the wording of a demo database (ballot demo): the
// banner of every console page, the page of codes kept to try and its
// audit entry; it joins catalog at init.
var demoCatalog = map[Lang]map[string]string{
	VI: {
		"audit.demo.codes": "Giữ lại mã phiếu ở dạng rõ để dùng thử (bản trình diễn)",
		"demo.banner":      "Bản trình diễn (ballot demo): cơ sở dữ liệu này giữ mã phiếu, mật khẩu dùng một lần và khóa của ban kiểm phiếu ở dạng rõ. Không dùng cho đợt lấy phiếu thật.",
		"demo.codes":       "Mã thử (bản trình diễn)",
		"demo.codes_of":    "Mã thử chưa dùng: %s",
		"demo.codes_help":  "Chỉ cơ sở dữ liệu trình diễn giữ lại mã phiếu sau khi mở đợt, để có thể dùng thử. Ở đợt thật, mã phiếu chỉ hiện một lần, trên phiếu mã in ra, và máy chủ không giữ mã nào.",
		"demo.codes_count": "%s mã chưa dùng, trong %s lô.",
		"demo.entry":       "Trang nhập mã",
		"demo.codes_col":   "Mã chưa dùng",
		"demo.slips":       "In phiếu mã (có mã QR) của các mã này",
		"demo.none":        "Không còn mã thử nào chưa dùng trong phạm vi này.",
		"demo.vote_hint":   "Nhập một mã ở trang nhập mã, trên điện thoại hoặc một cửa sổ hẹp; sau khi kiểm phiếu, kết quả của một đối tượng được công bố khi có từ %d phiếu trở lên.",
	},
	EN: {
		"audit.demo.codes": "Kept codes in clear to try (demo)",
		"demo.banner":      "Demo (ballot demo): this database keeps its codes, one-time passwords and the counting committee's key in clear. Never use it for a real round.",
		"demo.codes":       "Demo codes",
		"demo.codes_of":    "Unused demo codes: %s",
		"demo.codes_help":  "Only a demo database keeps its codes after opening, so that they can be tried. In a real round the codes are shown once, on the printed slips, and the server keeps none.",
		"demo.codes_count": "%s unused codes in %s batches.",
		"demo.entry":       "Code entry page",
		"demo.codes_col":   "Unused codes",
		"demo.slips":       "Print slips (with QR codes) of these codes",
		"demo.none":        "No unused demo codes left here.",
		"demo.vote_hint":   "Enter a code on the code entry page, on a phone or in a narrow window; after counting, a target's figures are published from %d ballots on.",
	},
}

func init() { merge(demoCatalog) }
