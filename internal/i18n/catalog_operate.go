package i18n

// operateCatalog holds the wording of running the service for real (TLS,
// lifecycle); it joins catalog at init.
var operateCatalog = map[Lang]map[string]string{
	VI: {
		"console.needs_https_title": "Bảng điều khiển cần HTTPS",
		"console.needs_https":       "Trang này đang được mở qua HTTP thường, nên trình duyệt sẽ không giữ phiên đăng nhập và bạn không thể đăng nhập. Người quản trị máy chủ cần bật HTTPS: chạy ballot serve với --tls-cert và --tls-key (chứng chỉ của cơ quan), hoặc --acme-domain (máy chủ có tên miền công khai), hoặc đặt máy chủ sau một reverse proxy có TLS với --trusted-proxy — xem mục «Running it for real» trong README. Trang của người tham gia đánh giá vẫn dùng được qua HTTP.",
	},
	EN: {
		"console.needs_https_title": "The console needs HTTPS",
		"console.needs_https":       "This page was opened over plain HTTP, so the browser will not keep a sign-in and you cannot sign in. The server's operator needs to turn HTTPS on: run ballot serve with --tls-cert and --tls-key (your organization's certificate), or --acme-domain (a server with a public domain name), or put it behind a reverse proxy with TLS and --trusted-proxy — see “Running it for real” in the README. The participants' pages still work over HTTP.",
	},
}

func init() { merge(operateCatalog) }
