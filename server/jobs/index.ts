// Durable bulk jobs: the service the API routes and `hearth ocr` share.
export { createJobService, TERMINAL_STATES } from './jobService';
export type { CreateJobOptions, JobService, JobServiceOptions, Recogniser, Tagger } from './jobService';
export { IMAGE_EXTENSIONS, isImagePath, isInside } from './scan';
