#!/usr/bin/python3
"""Recomputes the first two recorded ratchet vectors of ratchet_test.cpp from
the specification's steps, with Python's `cryptography` instead of Botan:
KDF_RK = HKDF-SHA-256(salt = root key, DH output), KDF_CK = HMAC-SHA-256
with 0x01 (message key) and 0x02 (next chain key), ENCRYPT =
ChaCha20-Poly1305 under the message key with a zero nonce, AD = caller's AD
followed by the 40-byte header (ratchet key, pn, n)."""
import hashlib
import hmac
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def key(fill):
    return X25519PrivateKey.from_private_bytes(bytes([fill]) * 32)


def public(k):
    return k.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


shared, bob_prekey, alice_ratchet = bytes([1]) * 32, key(2), key(3)
dh = alice_ratchet.exchange(X25519PublicKey.from_public_bytes(public(bob_prekey)))
chain = HKDF(hashes.SHA256(), 64, salt=shared, info=b"chatter-ratchet-v1 root").derive(dh)[32:]
got = []
for n, text in enumerate([b"hello bob", b"second"]):
    message_key = hmac.new(chain, b"\x01", hashlib.sha256).digest()
    chain = hmac.new(chain, b"\x02", hashlib.sha256).digest()
    header = public(alice_ratchet) + (0).to_bytes(4, "big") + n.to_bytes(4, "big")
    got.append(ChaCha20Poly1305(message_key).encrypt(bytes(12), text, b"alice|bob" + header).hex())

expected = sys.argv[1:3]
print("independent:", got)
sys.exit(0 if got == expected else 1)
