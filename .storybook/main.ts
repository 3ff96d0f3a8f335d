import type { StorybookConfig } from '@storybook/web-components-vite';

/** Every widget's stories, previewed offline on recorded fixtures (packages/components/src/testing/fixtures.ts). */
const config: StorybookConfig = {
  stories: ['../packages/components/src/**/*.stories.ts'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
};
export default config;
