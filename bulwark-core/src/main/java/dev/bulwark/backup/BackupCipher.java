package dev.bulwark.backup;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * AES-256-GCM for backup files, streamed in chunks so a dump of any size never sits in memory.
 *
 * <p>The JDK's {@code javax.crypto} does this without a dependency: a crypto library in the
 * classpath of a tool that holds database credentials is one more thing to audit and patch, and
 * GCM is all we need. GCM alone authenticates one message, not a stream: each chunk therefore has
 * its own random nonce, and its associated data binds the file header, the chunk's index and
 * whether it is the last one, so reordered, dropped, duplicated or truncated chunks fail to
 * decrypt just like flipped bits do.
 *
 * <pre>
 * file   = "BWENC2\n\0" kdf(1) iterations(4) salt(16) chunkSize(4) keyCheck(16)  chunk*
 * chunk  = final(1) nonce(12) length(4) ciphertext+tag(length)
 * aad    = header ‖ index(8) ‖ final(1)
 * keyCheck = HMAC-SHA256(derived key, "bulwark backup key check")[0..16)
 * </pre>
 * The key check tells a wrong key from a damaged file before any chunk is read: with the wrong
 * key it does not match; with the right key a chunk that fails authentication was altered.
 * Files written before the key check ("BWENC1", no keyCheck field) are still read; for them the
 * first chunk decides: it authenticates only under the right key, so a failure of a later chunk
 * is damage, and a failure of the first is reported as either.
 * A 96-bit random nonce per 1 MiB chunk stays far below GCM's 2³² messages per key for any
 * realistic dump.
 */
public final class BackupCipher {
    static final byte[] MAGIC = "BWENC2\n\0".getBytes(StandardCharsets.US_ASCII);
    /** The format before the key check; read, never written. */
    static final byte[] MAGIC_V1 = "BWENC1\n\0".getBytes(StandardCharsets.US_ASCII);
    static final int CHUNK = 1 << 20;
    private static final int HEADER_V1 = MAGIC.length + 1 + 4 + 16 + 4;
    private static final int KEY_CHECK = 16;
    static final int HEADER = HEADER_V1 + KEY_CHECK;
    private static final int TAG_BITS = 128;
    private static final int NONCE = 12;
    private static final int PBKDF2_ITERATIONS = 310_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where the key comes from: raw 32 bytes (hex or base64), or a passphrase stretched with PBKDF2. */
    public static final class Key {
        private final byte[] raw;
        private final char[] passphrase;
        private final String source;

        private Key(byte[] raw, char[] passphrase, String source) {
            this.raw = raw;
            this.passphrase = passphrase;
            this.source = source;
        }

        /** Where it was read from, for messages (never the key). */
        public String source() {
            return source;
        }

        static Key parse(String text, String source) {
            String t = text.strip();
            dev.bulwark.pg.Masking.remember(t);
            if (t.isEmpty()) {
                throw new BulwarkException(ErrorCode.USAGE, "encryption was asked for but " + source + " is empty",
                        "put a 32-byte key (64 hex digits or base64) or a passphrase of 16+ characters there");
            }
            if (t.matches("[0-9a-fA-F]{64}")) {
                return new Key(HexFormat.of().parseHex(t), null, source);
            }
            try {
                byte[] b = Base64.getDecoder().decode(t);
                if (b.length == 32) {
                    return new Key(b, null, source);
                }
            } catch (IllegalArgumentException notBase64) {
                // a passphrase
            }
            if (t.length() < 16) {
                throw new BulwarkException(ErrorCode.USAGE, "the backup key in " + source + " is too short ("
                        + t.length() + " characters): a passphrase needs at least 16",
                        "use a longer passphrase, or a random key: openssl rand -hex 32");
            }
            return new Key(null, t.toCharArray(), source);
        }

        /** From the environment variable {@code name}; a missing variable is an error, never plaintext. */
        public static Key fromEnvironment(String name, Map<String, String> env) {
            String v = env.get(name);
            if (v == null) {
                throw new BulwarkException(ErrorCode.USAGE, "encryption was asked for but the environment variable " + name
                        + " is not set; the backup was not written",
                        "export " + name + "=$(openssl rand -hex 32) (keep a copy: without it the backup cannot be restored), or use --key-file");
            }
            return parse(v, "environment variable " + name);
        }

        public static Key fromFile(Path file) {
            try {
                return parse(Files.readString(file, StandardCharsets.UTF_8), "key file " + file);
            } catch (IOException e) {
                throw new BulwarkException(ErrorCode.USAGE, "encryption was asked for but the key file " + file
                        + " cannot be read (" + e.getMessage() + "); the backup was not written", "check the path and its permissions");
            }
        }

        private BulwarkException wrongKey(String what) {
            return BackupCipher.wrongKey(what);
        }

        SecretKeySpec derive(byte kdf, int iterations, byte[] salt) {
            try {
                if (kdf == 0) {
                    if (raw == null) {
                        throw wrongKey("the file was encrypted with a raw key, " + source + " holds a passphrase");
                    }
                    return new SecretKeySpec(raw, "AES");
                }
                if (passphrase == null) {
                    throw wrongKey("the file was encrypted with a passphrase, " + source + " holds a raw key");
                }
                SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
                byte[] k = f.generateSecret(new PBEKeySpec(passphrase, salt, iterations, 256)).getEncoded();
                return new SecretKeySpec(k, "AES");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK lacks PBKDF2WithHmacSHA256", e);
            }
        }
    }

    private BackupCipher() {
    }

    /**
     * A key that is not the one the file was encrypted with: a usage error (exit 2), not a finding
     * about the backup, which is fine and only needs its key.
     */
    static BulwarkException wrongKey(String what) {
        return new BulwarkException(ErrorCode.USAGE, "wrong key: " + what + "; nothing was decrypted or restored",
                "pass the key the backup was made with (--key-env VAR or --key-file FILE)");
    }

    private static byte[] keyCheck(SecretKeySpec key) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return Arrays.copyOf(mac.doFinal("bulwark backup key check".getBytes(StandardCharsets.US_ASCII)), KEY_CHECK);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }

    /** True when the file starts like an encrypted backup. */
    public static boolean isEncrypted(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(MAGIC.length);
            return Arrays.equals(magic, MAGIC) || Arrays.equals(magic, MAGIC_V1);
        } catch (IOException e) {
            return false;
        }
    }

    /** Encrypts everything written to the returned stream into {@code out}; close it to write the final chunk. */
    public static OutputStream encrypt(OutputStream out, Key key) throws IOException {
        byte kdf = key.raw != null ? (byte) 0 : (byte) 1;
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        SecretKeySpec derived = key.derive(kdf, PBKDF2_ITERATIONS, salt);
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        h.put(MAGIC).put(kdf).putInt(kdf == 0 ? 0 : PBKDF2_ITERATIONS).put(salt).putInt(CHUNK).put(keyCheck(derived));
        byte[] header = h.array();
        out.write(header);
        return new Encrypting(out, derived, header);
    }

    private static final class Encrypting extends FilterOutputStream {
        private final SecretKeySpec key;
        private final byte[] header;
        private final byte[] buffer = new byte[CHUNK];
        private int filled;
        private long index;
        private boolean closed;

        Encrypting(OutputStream out, SecretKeySpec key, byte[] header) {
            super(out);
            this.key = key;
            this.header = header;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (filled == CHUNK) {
                    // only now is it known that more follows: this chunk is not the last
                    chunk(false);
                }
                int n = Math.min(len, CHUNK - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        private void chunk(boolean last) throws IOException {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            byte[] ct;
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
                c.updateAAD(aad(header, index, last));
                ct = c.doFinal(buffer, 0, filled);
            } catch (GeneralSecurityException e) {
                throw new IOException("AES-GCM encryption failed: " + e.getMessage(), e);
            }
            out.write(last ? 1 : 0);
            out.write(nonce);
            out.write(ByteBuffer.allocate(4).putInt(ct.length).array());
            out.write(ct);
            index++;
            filled = 0;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            chunk(true);
            out.close();
        }
    }

    /**
     * Decrypts {@code file} into {@code out}, authenticating every chunk. Throws
     * {@link BulwarkException} (FINDINGS) naming the chunk when the file was altered, truncated
     * or the key is wrong; what was written to {@code out} before then must be discarded.
     */
    public static void decrypt(Path file, Key key, OutputStream out) {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            boolean v1 = Arrays.equals(magic, MAGIC_V1);
            if (!v1 && !Arrays.equals(magic, MAGIC)) {
                throw damaged(file, "not an encrypted Bulwark backup (no BWENC header)");
            }
            byte[] rest = in.readNBytes((v1 ? HEADER_V1 : HEADER) - MAGIC.length);
            if (rest.length < (v1 ? HEADER_V1 : HEADER) - MAGIC.length) {
                throw damaged(file, "shorter than the encryption header");
            }
            byte[] header = ByteBuffer.allocate(magic.length + rest.length).put(magic).put(rest).array();
            ByteBuffer h = ByteBuffer.wrap(header);
            h.position(MAGIC.length);
            byte kdf = h.get();
            int iterations = h.getInt();
            byte[] salt = new byte[16];
            h.get(salt);
            int chunkSize = h.getInt();
            if ((kdf != 0 && kdf != 1) || chunkSize <= 0 || chunkSize > 64 * CHUNK || (kdf == 1 && iterations < 1)) {
                throw damaged(file, "its encryption header is corrupt");
            }
            SecretKeySpec k = key.derive(kdf, iterations, salt);
            if (!v1) {
                byte[] stored = new byte[KEY_CHECK];
                h.get(stored);
                if (!java.security.MessageDigest.isEqual(stored, keyCheck(k))) {
                    throw wrongKey(key.source() + " is not the key " + file.getFileName() + " was encrypted with (its key check does not match)");
                }
            }
            long index = 0;
            while (true) {
                int flag = in.read();
                if (flag < 0) {
                    throw damaged(file, "truncated: it ends after chunk " + index + " without the final chunk");
                }
                byte[] nonce = new byte[NONCE];
                int length;
                try {
                    in.readFully(nonce);
                    length = in.readInt();
                } catch (EOFException e) {
                    throw damaged(file, "truncated inside chunk " + index);
                }
                if ((flag != 0 && flag != 1) || length < TAG_BITS / 8 || length > chunkSize + TAG_BITS / 8) {
                    throw damaged(file, "chunk " + index + " has a corrupt header");
                }
                byte[] ct = new byte[length];
                try {
                    in.readFully(ct);
                } catch (EOFException e) {
                    throw damaged(file, "truncated inside chunk " + index);
                }
                byte[] plain;
                try {
                    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                    c.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(TAG_BITS, nonce));
                    c.updateAAD(aad(header, index, flag == 1));
                    plain = c.doFinal(ct);
                } catch (AEADBadTagException e) {
                    if (v1 && index == 0) {
                        // no key check in this old format: the first chunk is the first proof of the key
                        throw new BulwarkException(ErrorCode.FINDINGS, file + ": chunk 0 failed authentication: either "
                                + key.source() + " holds a different key, or the file was altered",
                                "use the key the backup was made with; if it is the right one, the file is damaged: use another backup");
                    }
                    throw new BulwarkException(ErrorCode.FINDINGS, file + ": chunk " + index
                            + " failed authentication: the file was altered, reordered or truncated (the key is right: "
                            + (v1 ? "an earlier chunk authenticated" : "its key check matched") + ")",
                            "use another backup; this one cannot be restored");
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("AES-GCM unavailable: " + e.getMessage(), e);
                }
                out.write(plain);
                index++;
                if (flag == 1) {
                    if (in.read() >= 0) {
                        throw damaged(file, "has data after its final chunk");
                    }
                    return;
                }
            }
        } catch (IOException e) {
            throw new BulwarkException(ErrorCode.USAGE, "cannot decrypt " + file + ": " + e.getMessage(), "check the file and the folder");
        }
    }

    private static byte[] aad(byte[] header, long index, boolean last) {
        return ByteBuffer.allocate(header.length + 9).put(header).putLong(index).put((byte) (last ? 1 : 0)).array();
    }

    private static BulwarkException damaged(Path file, String what) {
        return new BulwarkException(ErrorCode.FINDINGS, file + " is " + (what.startsWith("not ") || what.startsWith("shorter")
                ? what : "damaged: " + what), "use another backup; this one cannot be restored");
    }

    /** Decrypts a small file into memory; for tests and manifests, never for dumps. */
    static byte[] decryptToBytes(Path file, Key key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        decrypt(file, key, out);
        return out.toByteArray();
    }
}
