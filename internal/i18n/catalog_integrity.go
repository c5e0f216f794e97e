package i18n

// integrityCatalog holds the wording of tamper evidence (what counting and
// the integrity check refuse); it joins catalog at init.
var integrityCatalog = map[Lang]map[string]string{
	VI: {
		"count.foreign_keys":     "%d bản ghi phiếu được niêm phong bằng một khóa dữ liệu mà máy chủ không hề tạo ra (không có trong nhật ký kiểm tra): tệp dữ liệu đã bị sửa; chưa phiếu nào được kiểm",
		"round.key_by_committee": "khóa công khai của đợt này phải do ban kiểm phiếu đặt (người quản trị không được đặt, và máy chủ không tạo cặp khóa khi mở đợt)",
		"count.no_seal_digest":   "nhật ký kiểm tra không ghi dấu các phiếu lúc kết thúc đợt; chưa phiếu nào được kiểm",
		"count.sealed_changed":   "các phiếu được niêm phong đã khác với dấu ghi trong nhật ký kiểm tra lúc kết thúc đợt (mục %d): tệp dữ liệu đã bị sửa; chưa phiếu nào được kiểm",
	},
	EN: {
		"count.foreign_keys":     "%d sealed ballot records are under a data key this server never made (none in the audit chain): the file was altered; nothing was counted",
		"round.key_by_committee": "this round's public key must be set by the counting committee (an admin may not set it, and opening makes no key pair)",
		"count.no_seal_digest":   "the audit chain anchors no digest of the ballots at closing; nothing was counted",
		"count.sealed_changed":   "the sealed ballots differ from the digest anchored in the audit chain at closing (entry %d): the file was altered; nothing was counted",
	},
}

func init() { merge(integrityCatalog) }
