-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);
