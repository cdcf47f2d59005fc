# Copy of /work/shared/device/ort-env.sh (the device machine gets only this repository's tree).
# Source this on the device machine: puts the CUDA 13 / cuDNN 9 libraries that ONNX Runtime's CUDA provider loads
# on LD_LIBRARY_PATH (they ship inside the machine's PyTorch environment), plus the folder given as $1 (your app).
_ort_dirs=$(find /opt /usr/local /usr/lib -xdev \( -name 'libcudnn.so.9' -o -name 'libcublas.so.13' -o -name 'libcublasLt.so.13' \
  -o -name 'libcudart.so.13' -o -name 'libcurand.so.10' -o -name 'libcufft.so.12' -o -name 'libnvrtc.so.13' \) 2>/dev/null \
  | xargs -n1 dirname | sort -u | paste -sd:)
export LD_LIBRARY_PATH="${1:+$1:}${_ort_dirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
