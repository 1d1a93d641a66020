// Package rootfs fetches, verifies, caches and unpacks root file system
// images, so `blink -C alpine:3.20 sh` can run a distribution by name.
//
// References (see Parse): a catalog name with an optional tag (alpine,
// alpine:3.20, alpine:3.20.3, alpine:edge), an http(s) URL of a tarball
// (optionally with #sha256=HEX or #sha512=HEX), or a local tarball path. A
// plain directory is not an image; the CLI uses it as a root as it is.
//
// Decisions:
//
//   - Plain `alpine` follows the mirror's latest-stable/ directory, whose
//     latest-releases.yaml names the branch; a mirror without it falls
//     back to AlpineBranches (updated per release); BLINK_ALPINE_BRANCH or
//     Options.AlpineBranch pins a branch. The mirror is Options.Mirror,
//     else BLINK_ALPINE_MIRROR, else DefaultAlpineMirror.
//   - Ensure uses a cached match without the network (docker's rule): tags
//     (latest, 3.20, edge) are recorded on the entry a Pull resolved them
//     to and move when a later Pull resolves them elsewhere.
//   - Nothing is unpacked before its checksum (sha512 preferred, then
//     sha256) is verified; a URL with no checksum is refused unless
//     Options.AllowUnverified.
//   - Unpacking is tar-slip safe and bounded (see Unpack and Limits).
//     Ownership, full modes and device numbers, which an unprivileged host
//     cannot store, go to ROOT.meta beside the root (see meta.Write,
//     meta.Load) for the fake-root layer.
//   - Installation is atomic (unpack into a .tmp- directory, rename into
//     place) and serialized by a lock file (flock / LockFileEx), so an
//     interrupted or failed pull leaves the cache as it was and two blinks
//     never unpack into the same place.
package rootfs
