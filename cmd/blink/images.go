package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/blink-go/blink/rootfs"
)

// Image management uses long options, recognised only as blink's first
// argument, so that `blink [flags] program args` never changes meaning and
// a program named "pull" still runs.
const imagesUsage = `images:
  blink --pull IMAGE    download, verify and unpack an image (alpine, alpine:3.20, URL, tarball)
  blink --images        list cached images
  blink --rmi IMAGE     remove a cached image
  blink --cache-path    print where images are cached ($BLINK_CACHE_DIR)
  blink -C IMAGE prog   run prog inside an image, pulling it first if needed
  mirror: $BLINK_ALPINE_MIRROR
`

// imageCommand runs an image-management command if args starts with one.
func imageCommand(args []string) (status int, handled bool) {
	if len(args) == 0 {
		return 0, false
	}
	need := func(n int) bool {
		if len(args) != n {
			fmt.Fprintf(os.Stderr, "blink: %s takes %d argument(s)\n", args[0], n-1)
			return false
		}
		return true
	}
	switch args[0] {
	case "--pull", "--images", "--rmi", "--cache-path":
	default:
		return 0, false
	}
	cache, err := rootfs.DefaultCache()
	if err != nil {
		fmt.Fprintf(os.Stderr, "blink: %v\n", err)
		return 1, true
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	switch args[0] {
	case "--cache-path":
		if !need(1) {
			return 2, true
		}
		fmt.Println(cache.Path())
	case "--images":
		if !need(1) {
			return 2, true
		}
		entries, err := cache.List()
		if err == nil {
			err = rootfs.FormatEntries(os.Stdout, entries)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "blink: %v\n", err)
			return 1, true
		}
	case "--pull":
		if !need(2) {
			return 2, true
		}
		ref, err := rootfs.Parse(args[1])
		if err != nil {
			fmt.Fprintf(os.Stderr, "blink: %v\n", err)
			return 2, true
		}
		e, err := cache.Pull(ctx, ref, nil)
		if err != nil {
			fmt.Fprintf(os.Stderr, "blink: %v\n", oneLine(err.Error()))
			return 1, true
		}
		fmt.Println(rootfs.FormatPulled(e))
	case "--rmi":
		if !need(2) {
			return 2, true
		}
		removed, err := cache.Remove(ctx, args[1])
		if err != nil {
			fmt.Fprintf(os.Stderr, "blink: %v\n", oneLine(err.Error()))
			return 1, true
		}
		for _, e := range removed {
			fmt.Println(rootfs.FormatRemoved(e))
		}
	}
	return 0, true
}

// resolveRoot turns -C's argument into a directory: an existing directory
// is used as is; anything else is an image reference, pulled when missing.
func resolveRoot(arg string) (string, error) {
	if fi, err := os.Stat(arg); err == nil && fi.IsDir() {
		return arg, nil
	}
	ref, err := rootfs.Parse(arg)
	if err != nil {
		if errors.Is(err, rootfs.ErrNotImage) {
			return "", fmt.Errorf("-C %s: not a directory or image", arg)
		}
		return "", err
	}
	cache, err := rootfs.DefaultCache()
	if err != nil {
		return "", err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return cache.Ensure(ctx, ref, nil)
}
