package difftest

import (
	"compress/gzip"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
)

// vectorVersion changes whenever Vector's meaning changes; old files are
// rejected rather than misread.
const vectorVersion = 1

type vectorHeader struct {
	Version int
	Count   int
	Note    string // the recording host, for the curious
}

// WriteVectors stores vs as a gzipped gob stream. The data pages are mostly
// the fixed background pattern, which gzip turns into back-references, so
// a vector costs a few hundred bytes.
func WriteVectors(path, note string, vs []*Vector) error {
	fl, err := os.Create(path)
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(fl, gzip.BestCompression)
	enc := gob.NewEncoder(zw)
	err = enc.Encode(vectorHeader{Version: vectorVersion, Count: len(vs), Note: note})
	for _, v := range vs {
		if err != nil {
			break
		}
		err = enc.Encode(v)
	}
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := fl.Close(); err == nil {
		err = cerr
	}
	return err
}

// ReadVectors loads a file written by WriteVectors.
func ReadVectors(path string) ([]*Vector, error) {
	fl, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fl.Close()
	zr, err := gzip.NewReader(fl)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	dec := gob.NewDecoder(zr)
	var h vectorHeader
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	if h.Version != vectorVersion {
		return nil, fmt.Errorf("%s: vector format %d, want %d (re-record with -difftest.record)", path, h.Version, vectorVersion)
	}
	vs := make([]*Vector, 0, h.Count)
	for {
		v := new(Vector)
		if err := dec.Decode(v); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("%s: vector %d: %w", path, len(vs), err)
		}
		if len(v.InMem) != DataSize || len(v.OutMem) != DataSize {
			return nil, fmt.Errorf("%s: vector %d: bad data page size", path, len(vs))
		}
		vs = append(vs, v)
	}
	if len(vs) != h.Count {
		return nil, fmt.Errorf("%s: %d vectors, header says %d", path, len(vs), h.Count)
	}
	return vs, nil
}
