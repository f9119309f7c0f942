import { runWebhookApp } from '@devops/webhooks';
import { boardSync } from './app';

runWebhookApp(boardSync);
