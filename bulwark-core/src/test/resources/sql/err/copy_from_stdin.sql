--
-- Data for Name: orders; Type: TABLE DATA; Schema: public; Owner: app
--

COPY public.orders (id, note) FROM stdin;
1	it's here
2	\N
\.
