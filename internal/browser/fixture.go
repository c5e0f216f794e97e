package browser

import (
	"net"
	"path/filepath"
	"time"

	"ballot/internal/auth"
	"ballot/internal/forms"
	"ballot/internal/rounds"
	"ballot/internal/seal"
	"ballot/internal/server"
	"ballot/internal/service"
	"ballot/internal/storage"
)

// Fixture is a running server over a fresh database with rounds in every
// state a participant can meet, for page tests and screenshots.
type Fixture struct {
	served
	// Codes of the open round r1: for target c1 (a grassroots form), c2
	// (diem-100) and both d1 and c1 together.
	C1, C2, Both []string
	// Codes of a round not open yet (r2) and of a closed one (r3).
	NotOpen, Closed string
	// PrivateKey of r1.
	PrivateKey string
	// AdminPassword is the first admin's one-time password.
	AdminPassword string
}

// served is a server over a database in a directory, listening on a
// loopback port: what every fixture shares.
type served struct {
	URL     string
	Service *service.Service
	Server  *server.Server
	store   *storage.Store
	ln      net.Listener
}

// open opens a fresh database in dir with a service over it.
func (s *served) open(dir string, opt service.Options) error {
	store, err := storage.Open(filepath.Join(dir, "ballot.db"), storage.Options{})
	if err != nil {
		return err
	}
	s.store, s.Service = store, service.New(store, opt)
	return nil
}

// listen starts the server on a loopback port; its slips print that
// address.
func (s *served) listen(opt service.Options) (err error) {
	if s.ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		return err
	}
	s.URL = "http://" + s.ln.Addr().String()
	s.Server = server.New(s.Service, server.Config{Log: opt.Log, PublicURL: s.URL})
	go s.Server.Serve(s.ln, nil)
	return nil
}

// Close stops the server and closes the database.
func (s *served) Close() {
	if s.Server != nil {
		s.Server.Shutdown(5 * time.Second)
	}
	if s.ln != nil {
		s.ln.Close()
	}
	if s.Service != nil {
		s.Service.Close()
	}
	if s.store != nil {
		s.store.Close()
	}
}

var sys = auth.Principal{Name: "fixture"}

// Units of the fixture rounds.
var Units = []rounds.Unit{
	{ID: "p", Name: "Đảng bộ tỉnh", Kind: "province"},
	{ID: "d1", Name: "Ban Thường vụ Huyện ủy Chư Sê", Parent: "p", Kind: "district", Group: "huyen", Form: "tap-the-lanh-dao"},
	{ID: "c1", Name: "Đảng bộ xã Ia Blang", Parent: "d1", Kind: "grassroots", Group: "xa", Form: "to-chuc-co-so-dang"},
	{ID: "c2", Name: "Chi bộ Trường Trung học cơ sở Nguyễn Trãi", Parent: "d1", Kind: "grassroots", Group: "coquan", Form: "diem-100"},
}

// NewFixture starts the fixture in dir. opt may set service options (its
// Now and Log are kept if set).
func NewFixture(dir string, opt service.Options) (*Fixture, error) {
	f, err := NewEmpty(dir, opt)
	if err != nil {
		return nil, err
	}
	if err := f.seed(); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// NewEmpty starts a server over a fresh database with only its first admin.
func NewEmpty(dir string, opt service.Options) (*Fixture, error) {
	f := &Fixture{}
	if err := f.open(dir, opt); err != nil {
		return nil, err
	}
	var err error
	if f.AdminPassword, _, _, err = f.Service.Bootstrap(); err == nil {
		err = f.listen(opt)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func (f *Fixture) round(title string) (*rounds.Round, error) {
	s := f.Service
	r, err := s.CreateRound(sys, rounds.NewRound{Title: title, Year: 2026})
	if err != nil {
		return nil, err
	}
	for _, id := range forms.TemplateIDs() {
		tpl, _ := forms.Template(id)
		if _, err := s.AddForm(sys, r.ID, &tpl); err != nil {
			return nil, err
		}
	}
	_, err = s.ImportUnits(sys, r.ID, append([]rounds.Unit(nil), Units...), false)
	return r, err
}

func (f *Fixture) batch(rid string, n int, targets ...string) ([]string, error) {
	_, list, err := f.Service.IssueBatch(sys, rid, rounds.NewBatch{Targets: targets, Count: n})
	return list, err
}

func (f *Fixture) seed() (err error) {
	s := f.Service
	r1, err := f.round("Phân tích chất lượng năm 2026")
	if err != nil {
		return err
	}
	if f.C1, err = f.batch(r1.ID, 20, "c1"); err != nil {
		return err
	}
	if f.C2, err = f.batch(r1.ID, 5, "c2"); err != nil {
		return err
	}
	if f.Both, err = f.batch(r1.ID, 5, "d1", "c1"); err != nil {
		return err
	}
	if _, f.PrivateKey, err = s.OpenRound(sys, r1.ID); err != nil {
		return err
	}

	r2, err := f.round("Đợt bổ sung năm 2026")
	if err != nil {
		return err
	}
	kp, _ := seal.GenerateKeyPair()
	if _, err := s.SetKey(sys, r2.ID, kp.Public); err != nil {
		return err
	}
	opens := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	if _, err := s.PatchRound(sys, r2.ID, rounds.Patch{OpensAt: &opens}); err != nil {
		return err
	}
	list, err := f.batch(r2.ID, 1, "c1")
	if err != nil {
		return err
	}
	f.NotOpen = list[0]

	r3, err := f.round("Đợt thử năm 2025")
	if err != nil {
		return err
	}
	if list, err = f.batch(r3.ID, 1, "c1"); err != nil {
		return err
	}
	f.Closed = list[0]
	if _, _, err := s.OpenRound(sys, r3.ID); err != nil {
		return err
	}
	_, err = s.CloseRound(sys, r3.ID)
	return err
}
