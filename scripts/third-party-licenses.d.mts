import type { Plugin } from 'vite';
export declare const LICENSES_FILE: string;
export declare function packageDir(id: string): { name: string; dir: string } | null;
export declare function noticesFor(packages: Map<string, string>): string;
export declare function thirdPartyLicenses(): Plugin;
