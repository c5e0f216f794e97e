package i18n

// pendingCatalog holds the wording of a parent round's children on its
// page and in a report that still lacks some of their results; it joins
// catalog at init.
var pendingCatalog = map[Lang]map[string]string{
	VI: {
		"report.pending":      "chưa có kết quả của %d đơn vị cấp dưới, không tính trong báo cáo: %s",
		"results.units_count": "%s đơn vị, trong đó %s đơn vị cấp dưới gửi kết quả",
	},
	EN: {
		"report.pending":      "not counted here, their results not in yet (%d): %s",
		"results.units_count": "%s units, of which %s children that send their results",
	},
}

func init() { merge(pendingCatalog) }
