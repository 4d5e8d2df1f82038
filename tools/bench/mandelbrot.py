"""The Mandelbrot set in f64 (mandelbrot.wat): total iterations over an n x n grid."""

SOURCE = "mandelbrot.wat"
RESULT = "i32"
N = 80
SMOKE_N = 8


def run(n):
    fn = float(n)
    total = 0
    y = 0
    while y < n:
        cy = -1.25 + (2.5 * float(y)) / fn
        x = 0
        while x < n:
            cx = -2.0 + (2.5 * float(x)) / fn
            zr = zi = 0.0
            i = 0
            while i < 50:
                zr2 = zr * zr
                zi2 = zi * zi
                if zr2 + zi2 > 4.0:
                    break
                zi = 2.0 * zr * zi + cy
                zr = zr2 - zi2 + cx
                i += 1
            total += i
            x += 1
        y += 1
    return total & 0xFFFFFFFF


def work(n):
    return run(n), "iterations"
