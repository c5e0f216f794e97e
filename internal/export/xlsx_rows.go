package export

import (
	"github.com/xuri/excelize/v2"
)

// rowWriter writes rows to a workbook's sheets on a goroutine of its own,
// so that reading and laying out the tally (the caller's side) overlaps
// with excelize encoding the cells: on two cores a large tally is written
// in about two thirds of the time.
type rowWriter struct {
	sheets map[string]*excelize.StreamWriter
	next   map[string]int // the next row of each sheet
	batch  []sheetRow
	queue  chan []sheetRow
	done   chan struct{}
	err    error // the first error of the writing goroutine
}

type sheetRow struct {
	sheet string
	cells []any
}

const rowBatch = 256

// newRowWriter starts writing to sheets, each from row 2 (after its header).
func newRowWriter(sheets map[string]*excelize.StreamWriter) *rowWriter {
	w := &rowWriter{sheets: sheets, next: map[string]int{}, batch: make([]sheetRow, 0, rowBatch),
		queue: make(chan []sheetRow, 8), done: make(chan struct{})}
	for name := range sheets {
		w.next[name] = 2
	}
	go w.run()
	return w
}

func (w *rowWriter) run() {
	defer close(w.done)
	for batch := range w.queue {
		for _, r := range batch {
			if w.err != nil {
				break // drain: the caller learns of it at close
			}
			cell, err := excelize.CoordinatesToCellName(1, w.next[r.sheet])
			if err == nil {
				err = w.sheets[r.sheet].SetRow(cell, r.cells)
			}
			w.next[r.sheet]++
			w.err = err
		}
	}
}

// add queues a row of sheet; cells must not be changed afterwards.
func (w *rowWriter) add(sheet string, cells []any) {
	w.batch = append(w.batch, sheetRow{sheet, cells})
	if len(w.batch) == rowBatch {
		w.queue <- w.batch
		w.batch = make([]sheetRow, 0, rowBatch)
	}
}

// close writes what is queued, ends every sheet and returns the first error.
func (w *rowWriter) close() error {
	if len(w.batch) > 0 {
		w.queue <- w.batch
	}
	close(w.queue)
	<-w.done
	if w.err != nil {
		return w.err
	}
	for _, sw := range w.sheets {
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	return nil
}
