import type { StorybookConfig } from '@storybook/web-components-vite';

/**
 * Every widget's stories, previewed offline on recorded fixtures (packages/components/src/testing/fixtures.ts).
 * Each widget's docs page (autodocs) is built from the custom elements manifest: see preview.ts.
 */
const config: StorybookConfig = {
  stories: ['../packages/components/src/**/*.stories.ts'],
  addons: ['@storybook/addon-docs'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
};
export default config;
