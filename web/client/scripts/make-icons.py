# Rasterises the GridSense mark (icon.svg: a dark rounded square, three green cells, one amber)
# into PNGs without an image library: cd web/client/public/icons && python3 ../../scripts/make-icons.py
import struct, zlib

def png(size, path, maskable=False):
    navy, green, amber = (0x13, 0x28, 0x3d), (0x39, 0xb3, 0x7a), (0xe0, 0xa1, 0x00)
    # A maskable icon keeps its mark inside the central 80 % safe zone on a full-bleed background.
    inset = 0.1 if maskable else 0.0
    unit = size * (1 - 2 * inset) / 16
    off = size * inset
    radius = 0 if maskable else 3 * unit
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            px, py = x + 0.5, y + 0.5
            # rounded outer square
            cx = min(max(px, radius), size - radius)
            cy = min(max(py, radius), size - radius)
            inside = (px - cx) ** 2 + (py - cy) ** 2 <= radius ** 2 if radius else True
            color, alpha = navy, 255 if inside else 0
            ux, uy = (px - off) / unit, (py - off) / unit
            for (x0, y0, c) in ((3, 3, green), (9, 3, green), (3, 9, green), (9, 9, amber)):
                if x0 <= ux < x0 + 4 and y0 <= uy < y0 + 4:
                    color = c
            row += bytes(color) + bytes([alpha])
        rows.append(bytes(row))
    raw = b''.join(rows)
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
    data = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', size, size, 8, 6, 0, 0, 0))
    data += chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')
    open(path, 'wb').write(data)

png(192, 'icon-192.png')
png(512, 'icon-512.png')
png(512, 'icon-maskable-512.png', maskable=True)
