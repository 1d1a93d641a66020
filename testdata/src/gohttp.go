//go:build ignore

// gohttp runs a net/http server and client on 127.0.0.1 inside one guest:
// epoll, non-blocking connect, accept4, many goroutines on few threads.
package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", r.URL.Query().Get("name"))
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(w, r.Body)
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	base := "http://" + ln.Addr().String()

	resp, err := http.Get(base + "/hello?name=blink")
	if err != nil {
		fmt.Println("get:", err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(body))

	payload := strings.Repeat("0123456789abcdef", 1<<14) // 256 KiB
	var wg sync.WaitGroup
	sums := make([]string, 8)
	for i := range sums {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r, err := http.Post(base+"/echo", "text/plain", strings.NewReader(payload))
			if err != nil {
				sums[i] = err.Error()
				return
			}
			b, _ := io.ReadAll(r.Body)
			r.Body.Close()
			sums[i] = fmt.Sprintf("%x", sha256.Sum256(b))[:16]
		}(i)
	}
	wg.Wait()
	same := true
	for _, s := range sums {
		same = same && s == sums[0]
	}
	fmt.Println("8 parallel echoes of 256 KiB agree:", same, sums[0])
	resp, _ = http.Get(base + "/missing")
	fmt.Println("missing:", resp.StatusCode)
	srv.Close()
}
