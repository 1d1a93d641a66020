package procfs

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"time"
)

func readHost() Host {
	var h Host
	if f, err := os.Open("/proc/meminfo"); err == nil {
		s := bufio.NewScanner(f)
		for s.Scan() {
			k, v, _ := strings.Cut(s.Text(), ":")
			fields := strings.Fields(v)
			if len(fields) == 0 {
				continue
			}
			n, _ := strconv.ParseUint(fields[0], 10, 64)
			n <<= 10
			switch k {
			case "MemTotal":
				h.MemTotal = n
			case "MemFree":
				h.MemFree = n
			case "MemAvailable":
				h.MemAvailable = n
			case "Buffers":
				h.Buffers = n
			case "Cached":
				h.Cached = n
			case "Shmem":
				h.Shared = n
			case "SwapTotal":
				h.SwapTotal = n
			case "SwapFree":
				h.SwapFree = n
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		for i, s := range strings.Fields(string(b)) {
			if i < 3 {
				h.Load[i], _ = strconv.ParseFloat(s, 64)
			}
		}
	}
	if b, err := os.ReadFile("/proc/uptime"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 0 {
			if s, err := strconv.ParseFloat(f[0], 64); err == nil {
				h.Uptime = time.Duration(s * float64(time.Second))
			}
		}
	}
	return h
}
