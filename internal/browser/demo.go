package browser

import (
	"path/filepath"

	"ballot/internal/demo"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// Demo is a running server over a demo database seeded as `ballot demo`
// seeds it, with its guide: what the role guides' screenshots show.
type Demo struct {
	served
	Guide *demo.Guide
}

// NewDemo seeds a demo database in dir and serves it.
func NewDemo(dir string, opt service.Options) (*Demo, error) {
	d := &Demo{}
	store, err := storage.Open(filepath.Join(dir, "ballot-demo.db"), storage.Options{Demo: true})
	if err != nil {
		return nil, err
	}
	d.store, d.Service = store, service.New(store, opt)
	pw, token, _, err := d.Service.Bootstrap()
	if err == nil {
		d.Guide, err = demo.Seed(d.Service, demo.Admin{Password: pw, Token: token})
	}
	if err == nil {
		err = d.listen(opt)
	}
	if err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// Password is the one-time password of the demo's user name.
func (d *Demo) Password(name string) string {
	for _, u := range d.Guide.Users {
		if u.Name == name {
			return u.Password
		}
	}
	return ""
}
