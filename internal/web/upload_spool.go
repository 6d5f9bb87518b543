package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// An upload is read whole before it is checked (type detection reads the
// end of zip files) and stored. A file of up to uploadMemoryFile bytes is
// kept in memory while uploadMemoryTotal allows; a larger one, or one
// arriving while the budget is spent, goes to a temporary file. On deadline
// day most files are small: each spared a file's creation, write, read and
// removal.
const (
	uploadMemoryFile  = 1 << 20
	uploadMemoryTotal = 32 << 20
)

// spooler reads uploads whole; its zero value is ready.
type spooler struct {
	used atomic.Int64 // bytes reserved by the uploads kept in memory
}

// errSpoolFile is a temporary file that could not be made: the server's
// fault, not the upload's.
var errSpoolFile = errors.New("web: unable to receive a file")

var spoolBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// spooled is an upload read whole, in memory or in a temporary file.
type spooled struct {
	from *spooler
	size int64
	mem  *bytes.Buffer // the body when kept in memory
	file *os.File      // otherwise
}

// spool reads body up to limit+1 bytes (one past the limit tells that it is
// too large). The caller closes what it returns.
func (s *spooler) spool(body io.Reader, limit int64) (*spooled, error) {
	sp := &spooled{from: s}
	if s.used.Add(uploadMemoryFile) <= uploadMemoryTotal {
		sp.mem = spoolBuffers.Get().(*bytes.Buffer)
		n, err := sp.mem.ReadFrom(io.LimitReader(body, min(limit+1, uploadMemoryFile+1)))
		sp.size = n
		if err != nil {
			sp.close()
			return nil, err
		}
		if n <= uploadMemoryFile || n > limit {
			return sp, nil
		}
	} else {
		s.used.Add(-uploadMemoryFile)
	}
	// Too large for memory, or memory taken: a temporary file holds what
	// was read and the rest.
	f, err := os.CreateTemp("", "coopdec-upload-*")
	if err != nil {
		sp.close()
		return nil, fmt.Errorf("%w: %w", errSpoolFile, err)
	}
	head := sp.mem
	sp.mem, sp.file = nil, f
	var n int64
	if head != nil {
		n, err = head.WriteTo(f)
		s.release(head)
	}
	if err == nil {
		var m int64
		m, err = io.Copy(f, io.LimitReader(body, limit+1-n))
		n += m
	}
	sp.size = n
	if err != nil {
		sp.close()
		return nil, err
	}
	return sp, nil
}

func (s *spooler) release(b *bytes.Buffer) {
	s.used.Add(-uploadMemoryFile)
	if b.Cap() <= 2*uploadMemoryFile {
		b.Reset()
		spoolBuffers.Put(b)
	}
}

// ReadAt reads the upload at off.
func (sp *spooled) ReadAt(p []byte, off int64) (int, error) {
	if sp.file != nil {
		return sp.file.ReadAt(p, off)
	}
	return bytes.NewReader(sp.mem.Bytes()).ReadAt(p, off)
}

// reader reads the upload from its start.
func (sp *spooled) reader() (io.Reader, error) {
	if sp.file != nil {
		_, err := sp.file.Seek(0, io.SeekStart)
		return sp.file, err
	}
	return bytes.NewReader(sp.mem.Bytes()), nil
}

// close frees the memory or removes the temporary file.
func (sp *spooled) close() {
	if sp.mem != nil {
		sp.from.release(sp.mem)
		sp.mem = nil
	}
	if sp.file != nil {
		sp.file.Close()
		os.Remove(sp.file.Name())
		sp.file = nil
	}
}
