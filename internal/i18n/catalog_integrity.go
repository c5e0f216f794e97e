package i18n

// integrityCatalog holds the wording of tamper evidence (what counting and
// the integrity check refuse); it joins catalog at init.
var integrityCatalog = map[Lang]map[string]string{
	VI: {
		"count.foreign_keys": "%d bản ghi phiếu được niêm phong bằng một khóa dữ liệu mà máy chủ không hề tạo ra (không có trong nhật ký kiểm tra): tệp dữ liệu đã bị sửa; chưa phiếu nào được kiểm",
	},
	EN: {
		"count.foreign_keys": "%d sealed ballot records are under a data key this server never made (none in the audit chain): the file was altered; nothing was counted",
	},
}

func init() { merge(integrityCatalog) }
