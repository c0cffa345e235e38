/**
 * Which SNS/SQS/S3 endpoint the workbook may talk to. Only emulators: an endpoint on this machine,
 * or one elsewhere that the learner vouches for with SNS_ALLOW_REMOTE_ENDPOINT=1 — never real AWS,
 * whatever the settings say.
 */
import { BrokerUnavailableError } from '../errors.ts';

/** The variable that names an emulator already running (the AWS CLI and SDKs read it too). */
export const ENDPOINT_VARIABLE = 'AWS_ENDPOINT_URL';
/** Set to 1 to accept an emulator that is not on this machine (e.g. a LocalStack container on another host). */
export const ALLOW_REMOTE_VARIABLE = 'SNS_ALLOW_REMOTE_ENDPOINT';

const REAL_AWS_HOST = /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/i;

/** `value` as an endpoint URL without a trailing slash, or one line saying what to fix. */
export function checkEndpoint(value: string, allowRemote: boolean): string {
  if (!/^https?:\/\//i.test(value)) {
    throw unusable(`${ENDPOINT_VARIABLE}=${value} must start with http:// or https://.`, 'Set it to an emulator\'s address (e.g. http://127.0.0.1:4566), or unset it to use the embedded moto server.');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw unusable(`${ENDPOINT_VARIABLE}=${value} is not a URL.`, 'Set it to an emulator\'s address (e.g. http://127.0.0.1:4566), or unset it to use the embedded moto server.');
  }
  if (REAL_AWS_HOST.test(url.hostname)) {
    throw unusable(
      `${ENDPOINT_VARIABLE}=${value} is real AWS: the workbook only talks to an emulator (moto or LocalStack).`,
      'Unset it to use the embedded moto server, or point it at `docker compose up -d moto` (http://127.0.0.1:5000).',
    );
  }
  if (!allowRemote && !isLoopback(url.hostname)) {
    throw unusable(
      `${ENDPOINT_VARIABLE}=${value} is not on this machine: the workbook only uses emulators on 127.0.0.1 or localhost.`,
      `Unset it, point it at a local emulator, or set ${ALLOW_REMOTE_VARIABLE}=1 if it is an emulator you trust.`,
    );
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function unusable(what: string, fix: string): BrokerUnavailableError {
  return new BrokerUnavailableError('sns', what, fix);
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
