"""Decrypts ESP packets (RFC 4303, AES-GCM-16 per RFC 4106, 64-bit ESN) with Python `cryptography`.

An implementation independent of Trellis: reads lines "keymat_hex esn_decimal packet_hex" on stdin,
where esn is the full 64-bit sequence number the receiver expects (its high half is not on the wire),
and prints "OK <next header> <payload hex>" or "FAIL <reason>" per packet.
"""
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def open_packet(keymat, esn, packet):
    key, salt = keymat[:-4], keymat[-4:]               # RFC 4106 section 8.1: key | 4-octet salt
    spi, seq_low, iv = packet[0:4], packet[4:8], packet[8:16]
    if int.from_bytes(seq_low, "big") != esn & 0xFFFFFFFF:
        return "FAIL sequence number field is not the low half of the ESN"
    aad = spi + (esn >> 32).to_bytes(4, "big") + seq_low  # RFC 4106 section 5: SPI | SeqHi | SeqLo
    try:
        plaintext = AESGCM(key).decrypt(salt + iv, packet[16:], aad)  # RFC 4106 section 4: salt | IV
    except InvalidTag:
        return "FAIL ICV"
    if len(plaintext) % 4 != 0:
        return "FAIL ciphertext not 4-octet aligned (RFC 4303 section 2.4)"
    pad_length, next_header = plaintext[-2], plaintext[-1]
    payload, padding = plaintext[:-2 - pad_length], plaintext[-2 - pad_length:-2]
    if padding != bytes(range(1, pad_length + 1)):
        return "FAIL padding is not 1, 2, 3, ..."
    if int.from_bytes(iv, "big") != esn:
        return "FAIL IV is not the sequence number"
    return "OK %d %s" % (next_header, payload.hex() or "-")


for line in sys.stdin:
    keymat_hex, esn, packet_hex = line.split()
    print(open_packet(bytes.fromhex(keymat_hex), int(esn), bytes.fromhex(packet_hex)))
