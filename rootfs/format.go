package rootfs

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// FormatEntries prints entries as the image list of `blink --images`:
//
//	IMAGE          TAGS         SIZE  PULLED            PATH
//	alpine:3.20.3  3.20,latest  8.0M  2024-09-06 11:34  /home/u/.cache/blink/images/alpine/3.20.3/rootfs
func FormatEntries(w io.Writer, entries []Entry) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "IMAGE\tTAGS\tSIZE\tPULLED\tPATH")
	for _, e := range entries {
		tags := strings.Join(e.Tags, ",")
		if tags == "" {
			tags = "-"
		}
		date := "-"
		if !e.Date.IsZero() {
			date = e.Date.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Ref(), tags, FormatSize(e.Size), date, e.Path)
	}
	return tw.Flush()
}

// FormatPulled is the one line `blink --pull` prints on success.
func FormatPulled(e Entry) string {
	return fmt.Sprintf("%s: %s, %d files, %s at %s", e.Ref(), e.Source, e.Files, FormatSize(e.Size), e.Path)
}

// FormatRemoved is the line `blink --rmi` prints per removed entry.
func FormatRemoved(e Entry) string { return "removed " + e.Ref() }
