package rootfs

import (
	"context"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// errNotFound marks an HTTP 404 or 410, which resolution treats as "try the
// next candidate" rather than as a failure.
var errNotFound = errors.New("not found")

// errStalled cancels a download that received nothing for StallTimeout.
var errStalled = errors.New("download stalled")

// DefaultStallTimeout is how long a download may receive nothing before it
// is abandoned (and resumed, while retries last).
const DefaultStallTimeout = 30 * time.Second

// downloadRetries is how many times a broken transfer is resumed.
const downloadRetries = 3

// newClient has timeouts for every phase that has a natural bound and none
// for the body, which may be large on a slow line; the stall detector
// covers a body that stops arriving.
func newClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
		// A server that labels a .tar.gz Content-Encoding: gzip must not
		// have it inflated behind our back: the checksum is of the file.
		DisableCompression: true,
	}}
}

type fetcher struct {
	client   *http.Client
	stall    time.Duration
	progress io.Writer
	maxSize  int64
	fault    func(path string) error
}

func (f *fetcher) get(ctx context.Context, url string, hdr http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("bad URL %q", url)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", "blink-rootfs/1")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, netErr(err)
	}
	return resp, nil
}

// netErr strips the Go-internal noise ("Get \"url\": dial tcp ...") down
// to the cause; callers add the URL.
func netErr(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) && strings.HasPrefix(err.Error(), "Get ") {
		if inner := ue.Unwrap(); inner != nil {
			err = inner
		}
	}
	return err
}

func statusErr(resp *http.Response) error {
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone {
		return fmt.Errorf("HTTP %s: %w", resp.Status, errNotFound)
	}
	return fmt.Errorf("HTTP %s", resp.Status)
}

// getSmall fetches an index or checksum file of at most max bytes.
func (f *fetcher) getSmall(ctx context.Context, url string, max int64) ([]byte, error) {
	resp, err := f.get(ctx, url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching %s: %w", url, statusErr(resp))
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", url, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("fetching %s: larger than %d bytes", url, max)
	}
	return b, nil
}

// download writes url's body to dst (empty, positioned at 0), feeding h as
// it goes. A transfer that breaks (reset, early EOF, stall) is resumed with
// a Range request where the server supports it, up to downloadRetries times.
func (f *fetcher) download(ctx context.Context, url string, dst *os.File, h hash.Hash, label string) (int64, error) {
	var (
		done     int64
		validate string // ETag or Last-Modified for If-Range
		lastErr  error
	)
	bar := newProgress(f.progress, label)
	defer bar.finish()
	for attempt := 0; attempt <= downloadRetries; attempt++ {
		hdr := http.Header{}
		if done > 0 {
			hdr.Set("Range", "bytes="+strconv.FormatInt(done, 10)+"-")
			if validate != "" {
				hdr.Set("If-Range", validate)
			}
		}
		before := done
		err := f.attempt(ctx, url, hdr, dst, h, bar, &done, &validate)
		if err == nil {
			return done, nil
		}
		lastErr = err
		var te transientError
		if !errors.As(err, &te) || ctx.Err() != nil {
			return done, err
		}
		if done == before && attempt > 0 {
			// Two attempts in a row without progress: the server is not
			// going to deliver.
			break
		}
	}
	return done, fmt.Errorf("%w (gave up after %d retries)", lastErr, downloadRetries)
}

// transientError is a broken transfer worth resuming.
type transientError struct{ error }

func (t transientError) Unwrap() error { return t.error }

func (f *fetcher) attempt(ctx context.Context, url string, hdr http.Header, dst *os.File, h hash.Hash, bar *progress, done *int64, validate *string) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stall := f.stall
	if stall <= 0 {
		stall = DefaultStallTimeout
	}
	timer := time.AfterFunc(stall, func() { cancel(errStalled) })
	defer timer.Stop()

	resp, err := f.get(ctx, url, hdr)
	if err != nil {
		if context.Cause(ctx) == errStalled {
			return transientError{fmt.Errorf("no data for %v", stall)}
		}
		if ctx.Err() != nil {
			return err
		}
		return transientError{err}
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusPartialContent && *done > 0:
		start, ok := contentRangeStart(resp.Header.Get("Content-Range"))
		if !ok || start != *done {
			return fmt.Errorf("server resumed at the wrong offset (%q)", resp.Header.Get("Content-Range"))
		}
	case resp.StatusCode == http.StatusOK:
		if *done > 0 {
			// No range support (or the file changed): start over.
			if err := restart(dst, h); err != nil {
				return err
			}
			*done = 0
			bar.reset()
		}
		if et := resp.Header.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
			*validate = et
		} else {
			*validate = resp.Header.Get("Last-Modified")
		}
	default:
		return statusErr(resp)
	}
	if resp.ContentLength >= 0 {
		bar.setTotal(*done + resp.ContentLength)
	}
	buf := make([]byte, 128<<10)
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			timer.Reset(stall)
			if *done+int64(n) > f.maxSize {
				return fmt.Errorf("%w: download larger than %d bytes", ErrLimit, f.maxSize)
			}
			if f.fault != nil {
				if err := f.fault(dst.Name()); err != nil {
					return fmt.Errorf("writing %s: %w", dst.Name(), err)
				}
			}
			if _, err := dst.Write(buf[:n]); err != nil {
				return fmt.Errorf("writing %s: %w", dst.Name(), err)
			}
			h.Write(buf[:n])
			*done += int64(n)
			bar.add(int64(n))
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			if context.Cause(ctx) == errStalled {
				return transientError{fmt.Errorf("no data for %v after %d bytes", stall, *done)}
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			var op *net.OpError
			if errors.Is(rerr, io.ErrUnexpectedEOF) {
				rerr = errors.New("connection closed early (truncated body)")
			} else if errors.As(rerr, &op) {
				rerr = op.Err // "read: connection reset by peer", without addresses
			}
			return transientError{fmt.Errorf("after %d bytes: %w", *done, rerr)}
		}
	}
}

func restart(f *os.File, h hash.Hash) error {
	h.Reset()
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.Seek(0, io.SeekStart)
	return err
}

// contentRangeStart reads the first byte position of "bytes START-END/SIZE".
func contentRangeStart(s string) (int64, bool) {
	s, ok := strings.CutPrefix(s, "bytes ")
	if !ok {
		return 0, false
	}
	a, _, ok := strings.Cut(s, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(a, 10, 64)
	return n, err == nil
}

// parseSumFile reads a checksum file: "HEX  NAME" lines as sha512sum writes
// them, or a bare hex digest. The first line is used.
func parseSumFile(b []byte, algo string) (checksum, error) {
	want := map[string]int{"sha256": 64, "sha512": 128}[algo]
	line, _, _ := strings.Cut(string(b), "\n")
	fields := strings.Fields(line)
	if len(fields) == 0 || len(fields[0]) != want || !hexRE.MatchString(fields[0]) {
		return checksum{}, fmt.Errorf("not a %s checksum file", algo)
	}
	return checksum{algo, strings.ToLower(fields[0])}, nil
}
