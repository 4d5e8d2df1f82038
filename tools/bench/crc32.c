/* crc32: table-driven CRC-32 (the zlib polynomial) of n pseudo-random bytes; run(n)
 * builds the table, fills the buffer with an LCG and returns the CRC. n is capped at
 * 2^20. */

#define CAP (1 << 20)

static unsigned table[256];
static unsigned char buf[CAP];

__attribute__((export_name("run")))
unsigned run(int n) {
    if (n > CAP) n = CAP;
    for (unsigned i = 0; i < 256; i++) {
        unsigned c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    unsigned x = 7;
    for (int i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (unsigned char)(x >> 16);
    }
    unsigned crc = 0xFFFFFFFFu;
    for (int i = 0; i < n; i++)
        crc = table[(crc ^ buf[i]) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}
