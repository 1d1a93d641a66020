package main

// maxrssUnit converts ru_maxrss to bytes: Darwin reports bytes.
const maxrssUnit = 1
