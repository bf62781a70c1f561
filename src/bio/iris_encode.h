/* iris_encode.h — the IrisCode of a normalized iris (iris_encode.c).
 *
 * One complex 2-D Gabor filter, separable in the rubber sheet: along the
 * angle a Gabor of wavelength IRIS_GABOR_WAVELENGTH columns with a one-
 * octave bandwidth (envelope sigma = 0.56 wavelength, the relation
 * sigma = (lambda/pi) sqrt(ln 2 / 2) (2^b + 1)/(2^b - 1) at b = 1; Daugman
 * and Masek both use filters of about an octave), across the radius a
 * Gaussian of IRIS_GABOR_SIGMA_R rows (half the ring spacing, so adjacent
 * rings overlap little). The real part is made zero-mean so the code does
 * not depend on illumination. Each of the IRIS_RINGS x IRIS_COLS locations
 * gives the signs of the real and imaginary responses (Daugman's phase
 * quadrant). A location is masked when less than IRIS_MIN_SUPPORT of the
 * filter's weight falls on valid samples.
 *
 * The wavelength, 16 of 256 columns, is 16 cycles around the iris: the
 * scale of the crypts and furrows of the mid-iris at which Daugman's and
 * Masek's single-scale codes perform best (Masek 2003 found the optimum
 * near 18 of 240 columns, the same angular period). */
#ifndef SH_BIO_IRIS_ENCODE_H
#define SH_BIO_IRIS_ENCODE_H

#include "bio/iris.h"

#define IRIS_GABOR_WAVELENGTH 16.0f
#define IRIS_GABOR_SIGMA_R 4.0f
#define IRIS_MIN_SUPPORT 0.6f

/* Fills *code; returns the number of usable locations. */
int iris_encode(const struct iris_norm *norm, struct iris_code *code);

#endif
