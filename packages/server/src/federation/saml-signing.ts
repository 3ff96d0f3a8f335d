import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/*
 * JusticeConnect's own SAML signing key (JC_SAML_SP_KEY_FILE and
 * JC_SAML_SP_CERT_FILE, PEM): what signs our LogoutResponse to an IdP's
 * single logout, and the certificate our SP metadata publishes for it. Without
 * them single logout still ends the sessions, and answers the browser with a
 * plain page instead of a (necessarily signed) LogoutResponse.
 */

export interface SamlSigning {
  /** PEM. */
  privateKey: string;
  /** base64 DER (what metadata holds). */
  certificate: string;
}

/** Reads and checks the pair (an RSA key, its certificate); an Error naming the variable, never quoting the key. */
export function loadSamlSigning(keyFile: string | undefined, certFile: string | undefined): SamlSigning | null {
  if (!keyFile && !certFile) return null;
  if (!keyFile || !certFile) throw new Error('JC_SAML_SP_KEY_FILE and JC_SAML_SP_CERT_FILE: give both, or neither');
  const read = (name: string, file: string) => {
    try {
      return readFileSync(path.resolve(file), 'utf8');
    } catch (err) {
      throw new Error(`${name}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };
  const keyPem = read('JC_SAML_SP_KEY_FILE', keyFile);
  const certPem = read('JC_SAML_SP_CERT_FILE', certFile);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    throw new Error(`JC_SAML_SP_CERT_FILE: ${certFile} is not a PEM X.509 certificate`);
  }
  let matches = false;
  try {
    const key = createPrivateKey(keyPem);
    matches = key.asymmetricKeyType === 'rsa' && cert.checkPrivateKey(key);
  } catch {
    throw new Error(`JC_SAML_SP_KEY_FILE: ${keyFile} is not an unencrypted PEM private key`);
  }
  if (!matches) throw new Error('JC_SAML_SP_KEY_FILE: not the RSA key of the certificate in JC_SAML_SP_CERT_FILE');
  return { privateKey: keyPem, certificate: cert.raw.toString('base64') };
}
