#!/usr/bin/python3
"""Writes the photo inputs of the TF.js records: uint8 RGB, HWC, at each model's input size.

Source photos: tests/TestData/faces/photos (see its README). Run once when the records change; the .rgb files are
committed, so neither the records nor the tests depend on an image decoder or resampler.
  blazeface*: the whole photo letterboxed (longer side to the input size, top-left, black fill), bilinear.
  facemesh:   a square around the face (hand-picked centre and side), bilinear to 192.
  mobileface: a square around the face, bilinear to 112 (not aligned; the records test conversion, not accuracy).
"""
import os
import sys

import numpy as np
from PIL import Image

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PHOTOS = os.path.join(ROOT, "tests", "TestData", "faces", "photos")
OUT = os.path.join(ROOT, "tests", "TestData", "faces", "tfjs-records", "inputs")

# (photo, face centre x, y, square side) in photo pixels, picked by eye.
FACES = {"astronaut": ("astronaut.jpg", 226, 122, 150), "grace-hopper": ("grace-hopper.jpg", 262, 235, 230)}


def letterbox(im, size):
    scale = size / max(im.width, im.height)
    w, h = max(1, int(im.width * scale)), max(1, int(im.height * scale))
    canvas = Image.new("RGB", (size, size))
    canvas.paste(im.resize((w, h), Image.BILINEAR), (0, 0))
    return canvas


def square(im, cx, cy, side, size):
    box = (cx - side // 2, cy - side // 2, cx - side // 2 + side, cy - side // 2 + side)
    return im.crop(box).resize((size, size), Image.BILINEAR)


def main():
    os.makedirs(OUT, exist_ok=True)
    for case, (photo, cx, cy, side) in FACES.items():
        im = Image.open(os.path.join(PHOTOS, photo)).convert("RGB")
        for model, img in (("blazeface", letterbox(im, 256)), ("blazeface-front", letterbox(im, 128)),
                           ("facemesh", square(im, cx, cy, int(side * 1.5), 192)),
                           ("mobileface", square(im, cx, cy, side, 112))):
            data = np.asarray(img, dtype=np.uint8).tobytes()
            with open(os.path.join(OUT, f"{model}.{case}.rgb"), "wb") as f:
                f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
