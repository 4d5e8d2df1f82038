"""The n-body simulation (nbody.c, compiled by clang): n steps of five planets in f64;
the result is the bit pattern of the final energy."""

import math
import struct

SOURCE = "nbody.c"
RESULT = "i64"
N = 1500
SMOKE_N = 10

PI = 3.141592653589793
SOLAR_MASS = 4 * PI * PI
DAYS_PER_YEAR = 365.24

PLANETS = [
    (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0),
    (4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
     1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05,
     9.54791938424326609e-04),
    (8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
     -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05,
     2.85885980666130812e-04),
    (1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
     2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05,
     4.36624404335156298e-05),
    (1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
     2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05,
     5.15138902046611451e-05),
]


def run(n):
    # One list per body: [x, y, z, vx, vy, vz, mass], as the C struct.
    bodies = [[x, y, z, vx * DAYS_PER_YEAR, vy * DAYS_PER_YEAR, vz * DAYS_PER_YEAR,
               mass * SOLAR_MASS] for x, y, z, vx, vy, vz, mass in PLANETS]
    px = py = pz = 0.0
    for b in bodies:
        px += b[3] * b[6]
        py += b[4] * b[6]
        pz += b[5] * b[6]
    bodies[0][3] = -px / SOLAR_MASS
    bodies[0][4] = -py / SOLAR_MASS
    bodies[0][5] = -pz / SOLAR_MASS
    dt = 0.01
    nb = len(bodies)
    for _ in range(n):
        for i in range(nb):
            b = bodies[i]
            for j in range(i + 1, nb):
                b2 = bodies[j]
                dx = b[0] - b2[0]
                dy = b[1] - b2[1]
                dz = b[2] - b2[2]
                distance = math.sqrt(dx * dx + dy * dy + dz * dz)
                mag = dt / (distance * distance * distance)
                b[3] -= dx * b2[6] * mag
                b[4] -= dy * b2[6] * mag
                b[5] -= dz * b2[6] * mag
                b2[3] += dx * b[6] * mag
                b2[4] += dy * b[6] * mag
                b2[5] += dz * b[6] * mag
        for b in bodies:
            b[0] += dt * b[3]
            b[1] += dt * b[4]
            b[2] += dt * b[5]
    e = 0.0
    for i in range(nb):
        b = bodies[i]
        e += 0.5 * b[6] * (b[3] * b[3] + b[4] * b[4] + b[5] * b[5])
        for j in range(i + 1, nb):
            b2 = bodies[j]
            dx = b[0] - b2[0]
            dy = b[1] - b2[1]
            dz = b[2] - b2[2]
            e -= (b[6] * b2[6]) / math.sqrt(dx * dx + dy * dy + dz * dz)
    return struct.unpack("<Q", struct.pack("<d", e))[0]


def work(n):
    return n * 10, "pair interactions"
