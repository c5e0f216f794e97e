package i18n

// pendingCatalog holds the wording of a parent round's report that still
// lacks some children's results; it joins catalog at init.
var pendingCatalog = map[Lang]map[string]string{
	VI: {
		"report.pending": "chưa có kết quả của %d đơn vị cấp dưới, không tính trong báo cáo: %s",
	},
	EN: {
		"report.pending": "not counted here, their results not in yet (%d): %s",
	},
}

func init() { merge(pendingCatalog) }
